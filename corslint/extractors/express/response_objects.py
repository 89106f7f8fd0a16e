"""CORS headers carried by the response objects a function returns, outside the request
and response objects of a server framework:

- an AWS Lambda proxy result, `return { statusCode, headers: {...}, body }` (also handed to
  `callback(null, result)`), as Lambda handlers, Netlify functions and serverless
  wrappers return it (framework `lambda_headers`); API Gateway's proxy integration sends
  its `headers` as written (docs/semantics/serverless.md);
- a Fetch `Response`: `new Response(body, {headers})`, `Response.json(data, {headers})`,
  `NextResponse.json(...)`, a `Headers` object or `res.headers.set(...)` before the return,
  in Cloudflare Workers (`export default { fetch(request) {...} }`), Deno and Bun servers,
  Pages Functions and Netlify's v2 functions (framework `fetch_headers`);
- the same in a Next.js App Router route handler (`app/**/route.ts` exporting `GET`,
  `POST`...), where each export answers its own method, and Next.js answers an OPTIONS
  request itself, 204 without the handler's headers, when the file exports no `OPTIONS`
  (measured, docs/semantics/nextjs.md; framework `nextjs_route_headers`).

Each function that returns such a response is one policy: its answer to OPTIONS (a
return under `if (event.httpMethod === 'OPTIONS')`, `request.method === "OPTIONS"`) and
its successful answer to the other methods. What answers an OPTIONS request the code does
not answer is left unknown (API Gateway may answer it before the function runs), except
where the platform is known to route every method to a function that answers them all
with one response (a Fetch handler that returns it unconditionally), or where Next.js
answers it. Seen in real code: Lissy93/web-check `api/_common/middleware.js`,
AchieveGoalDev/tae-admin `lambdas/tae-auth/index.mjs`, holyfudgencannoli/mom
`magic-of-mushrooms/src/index.js`, MattyMailers/BookedMove `src/lib/cors.ts` (see
docs/patterns.md). The responses themselves are found by `returned_responses`."""

from __future__ import annotations

import re
from functools import partial
from pathlib import PurePosixPath

from corslint.extractors import EXTRACTORS
from corslint.extractors.express.astro_endpoints import ASTRO_ENDPOINT
from corslint.extractors.express.dead_header_helpers import never_used
from corslint.extractors.express.fetch_cors_ports import is_fetch_cors_port
from corslint.extractors.express.flag_gated_headers import switched_helper
from corslint.extractors.express.further_returns import add_further_returns
from corslint.extractors.express.handler_roles import HandlerRoles
from corslint.extractors.express.handwritten_state import Steps, further_guards
from corslint.extractors.express.header_records import names_cors_header
from corslint.extractors.express.helper_header_flow import called_by_others, declared_aliases
from corslint.extractors.express.importer_candidates import candidate_importers
from corslint.extractors.express.itty_router_tables import ITTY_ROUTE, registrations
from corslint.extractors.express.lambda_body_parse import (
    FUNCTION_ERROR_STATUS,
    body_parse_evidence,
    parse_throws_before,
)
from corslint.extractors.express.lambda_helpers import lambda_result_helper
from corslint.extractors.express.refusal_status import bound_status
from corslint.extractors.express.response_entries import (
    env_route_handler,
    fetch_entry,
    is_route_file,
    next_answers_options,
    options_answered_earlier,
    pages_function_method,
    route_export_pairs,
    route_path,
)
from corslint.extractors.express.response_headers import HeaderReader, parameter_names, set_calls
from corslint.extractors.express.response_methods import served_routes
from corslint.extractors.express.response_screen import may_answer_with_responses
from corslint.extractors.express.returned_responses import (
    FETCH,
    LAMBDA,
    ResponseSite,
    SiteCache,
    expression_sites,
    function_roles,
    returned_sites,
)
from corslint.extractors.express.solid_routes import SOLID_ROUTE, method_exports_style
from corslint.extractors.express.sveltekit_endpoints import SVELTEKIT_ENDPOINT, is_endpoint_file
from corslint.extractors.express.sveltekit_hooks import SVELTEKIT_HOOK, is_handle
from corslint.extractors.express.unrouted_answers import unrouted_answers
from corslint.extractors.js.declared_values import FUNCTIONS, enclosing_function
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.project_files import is_development_path
from corslint.extractors.js.syntax import Node, unwrap
from corslint.extractors.serverless_framework.gateway_cors import gateway_cors_status
from corslint.extractors.serverless_framework.gateway_options import gateway_preflight, memo_of
from corslint.extractors.serverless_framework.http_api_cors import replaced_by_http_api
from corslint.model import CorsPolicy, Evidence, Location, Value

NEXT_ROUTE = "nextjs_route_headers"
_WRITERS = {
    LAMBDA: "lambda",
    FETCH: "fetch-set",
    NEXT_ROUTE: "fetch-set",
    SVELTEKIT_HOOK: "fetch-set",
    SVELTEKIT_ENDPOINT: "fetch-set",
    ASTRO_ENDPOINT: "fetch-set",
    SOLID_ROUTE: "fetch-set",
    ITTY_ROUTE: "fetch-set",
}
_LABELS = {
    LAMBDA: "AWS Lambda result",
    FETCH: "Fetch Response",
    NEXT_ROUTE: "Next.js route handler",
    SVELTEKIT_HOOK: "SvelteKit server hook",
    SVELTEKIT_ENDPOINT: "SvelteKit endpoint",
    ASTRO_ENDPOINT: "Astro endpoint",
    SOLID_ROUTE: "SolidStart API route",
    ITTY_ROUTE: "itty-router route",
}
_AUTHORIZATION_READ = re.compile(
    r"""headers(?:\.get\(\s*|\??\.?\[\s*|\.)['"`]?authorization['"`]?""", re.IGNORECASE
)


def response_object_policies(module: JsModule, bearer: tuple[Evidence, ...]) -> list[CorsPolicy]:
    if PurePosixPath(module.path).stem in {"middleware", "proxy"} and any(
        specifier == "next/server" for specifier, _ in module.imports.values()
    ):
        return []  # a Next.js middleware: `next_middleware` reads it
    if is_fetch_cors_port(module):
        return []  # its callers' options decide what it sends (`fetch_cors_ports`)
    if not may_answer_with_responses(module):
        return _record_importer_policies(module, bearer) if _holds_header_record_only(module) else []
    evidence = bearer or _authorization_read(module)
    cache: SiteCache = {}
    groups, helpers = _groups(module, cache)
    policies: list[CorsPolicy] = []
    for framework, functions in groups:
        policy = _policy(module, framework, functions, evidence, cache)
        # one header literal shared by several functions (`success()` and `failure()` both
        # returning `buildResponse(...)`) is one configuration, not a second layer
        if policy is not None and all(other.app != policy.app for other in policies):
            policies.append(policy)
    if helpers and not policies:
        policies += importer_policies(module, evidence, cache)
    for helper in helpers if not policies else []:  # a Lambda builder no handler was found for
        lambda_only = all(site.style == LAMBDA for site in returned_sites(module, helper, cache))
        lambda_only = lambda_only and not never_used(module, helper)  # imported by nothing: sweep 12 X1
        if lambda_only and (alone := _policy(module, LAMBDA, [(helper, "")], evidence, cache)) is not None:
            policies.append(alone)
    return policies


def wanted_by_express(source: bytes) -> bool:
    """Whether the runner hands this module to the express extractor itself (its needles)."""
    return any(extractor.wants(source) for extractor in EXTRACTORS if extractor.name == "express")


def importer_policies(module: JsModule, evidence: tuple[Evidence, ...], cache: SiteCache) -> list[CorsPolicy]:
    """Handlers in modules corslint does not parse on their own (no CORS word in them) that
    answer with this module's response helpers: a Worker's `route(request, env)` returning
    `json(data)` and `preflight()` from `lib/http.js` (census 3 sample 60, 07yang-creator/
    jjconnect.jp `workers/router.js` + `workers/lib/http.js`), Next.js route files calling
    `optionResponse()` from `@/server/http/options`. A module parsed on its own is left to
    its own extraction."""
    found = candidate_importers(module)
    if found is None:
        return []
    policies: list[CorsPolicy] = []
    for importer in found.modules:
        if wanted_by_express(importer.source) and may_answer_with_responses(importer):
            continue  # read on its own (one the screen turns away is read here: `response_screen`)
        groups, _ = _groups(importer, cache)
        for framework, functions in groups:
            # the helper that builds the response, or sets headers on the one it is handed
            # (`withCors(NextResponse.json(data))`)
            helper_paths = {
                path
                for function, _ in functions
                for site in returned_sites(importer, function, cache)
                for path in _helper_paths(importer, site)
                if _carries_cors(site, framework)
            }
            # several helper modules lead to the same handlers: the first by path reports them
            if not helper_paths or min(helper_paths) != module.path:
                continue
            policy = _policy(importer, framework, functions, evidence, cache)
            if policy is not None and all(other.app != policy.app for other in policies):
                policies.append(policy)
    return policies


def _helper_paths(importer: JsModule, site: ResponseSite) -> set[str]:
    return {
        module.path for module in (site.module, *(extra[0] for extra in site.extra)) if module is not importer
    }


def _record_importer_policies(module: JsModule, bearer: tuple[Evidence, ...]) -> list[CorsPolicy]:
    """A module that only exports a CORS header record, whose response helpers live in a
    module that names no CORS word (`allowed.ts` -> `replies.ts` -> route files): the
    helpers' importers, judged as `importer_policies` judges them."""
    found = candidate_importers(module)
    if found is None:
        return []
    cache: SiteCache = {}
    policies: list[CorsPolicy] = []
    for helper_module in found.modules:
        if wanted_by_express(helper_module.source):
            continue
        _, helpers = _groups(helper_module, cache)
        if helpers:
            evidence = bearer or _authorization_read(helper_module)
            policies += importer_policies(helper_module, evidence, cache)
    return policies


_CONSTANT_STATEMENTS = frozenset(
    {"import_statement", "export_statement", "lexical_declaration", "variable_declaration", "comment"}
)


def _holds_header_record_only(module: JsModule) -> bool:
    """Only imports and declarations at the top level (no handler, no call), one of them an
    exported object literal with an `Access-Control-*` key: a shared CORS header record."""
    statements = module.root.named_children
    if not statements or any(statement.type not in _CONSTANT_STATEMENTS for statement in statements):
        return False
    if any(statement.child_by_field_name("value") is not None for statement in statements):
        return False  # `export default ...`: a handler or an app, not a record
    for statement in statements:
        declaration = (
            statement.child_by_field_name("declaration") if statement.type == "export_statement" else None
        )
        if declaration is None or declaration.type not in {"lexical_declaration", "variable_declaration"}:
            continue
        for declarator in declaration.named_children:
            value = (
                declarator.child_by_field_name("value") if declarator.type == "variable_declarator" else None
            )
            if value is not None and unwrap(value).type == "object" and names_cors_header(module, value):
                return True
    return False


def _groups(
    module: JsModule, cache: SiteCache
) -> tuple[list[tuple[str, list[tuple[Node, str]]]], list[Node]]:
    """The functions of `module` judged together as one policy each, by framework; and the
    Fetch helpers among them no handler of the module reaches (judged where imported)."""
    # a route file outside `app/` (read alone) that answers with NextResponse is one too
    route_file = is_route_file(module.path) or (
        PurePosixPath(module.path).stem == "route"
        and any(specifier == "next/server" for specifier, _ in module.imports.values())
    )
    groups: list[tuple[str, list[tuple[Node, str]]]] = []
    helpers: list[Node] = []
    reached: set[int] = set()
    candidates: list[tuple[Node, list[ResponseSite]]] = []
    for function in _returning_functions(module):
        sites = returned_sites(module, function, cache)
        if sites:
            candidates.append((function, sites))
            for site in sites:
                if site.module is module and site.builder.id != function.id:
                    reached.add(site.builder.id)  # a helper of this function: judged with it
    reached |= called_by_others(module, [function for function, _ in candidates])
    endpoint = is_endpoint_file(module.path)
    exports = None if route_file or endpoint else method_exports_style(module)  # Astro, SolidStart
    route_functions = route_export_pairs(module) if route_file or endpoint or exports else []
    if route_functions:
        style = SVELTEKIT_ENDPOINT if endpoint else exports or NEXT_ROUTE
        groups.append((style, [(function, method) for function, method in route_functions]))
    exported = {function.id for function, _ in route_functions}
    for function, sites in candidates:
        if function.id in reached or function.id in exported:
            continue
        style = FETCH if any(site.style == FETCH for site in sites) else LAMBDA
        routed = registrations(module, function) if style == FETCH else []
        if routed:  # an itty-router route: it answers the methods it is registered for
            groups.append((ITTY_ROUTE, [(function, registration.method) for registration in routed]))
            continue
        if style == FETCH and not fetch_entry(module, function) and not switched_helper(module, function):
            if any(_carries_cors(site, FETCH) for site in sites):
                helpers.append(function)
            continue  # a helper (`jsonResponse(data)`): judged in the handlers that return it
        if style == LAMBDA and lambda_result_helper(module, function, sites):
            if any(_carries_cors(site, LAMBDA) for site in sites):
                helpers.append(function)
            continue  # `reply(statusCode, body, origin)`: judged in the handlers that return it
        if style == FETCH and is_handle(module, function):
            style = SVELTEKIT_HOOK
        groups.append((style, [(function, pages_function_method(module, function))]))
    return _pages_endpoint(module, groups), helpers


def _pages_endpoint(
    module: JsModule, groups: list[tuple[str, list[tuple[Node, str]]]]
) -> list[tuple[str, list[tuple[Node, str]]]]:
    """A Pages Functions file exporting `onRequestOptions` beside `onRequest`: one endpoint,
    whose OPTIONS requests go to the method's own function (codingc1/classpay
    `functions/_middleware.ts`); the catch-all answers the other methods (`_ALL_BUT_OPTIONS`)."""
    pages = [
        (index, function, method)
        for index, (style, functions) in enumerate(groups)
        if style == FETCH and len(functions) == 1
        for function, method in functions
        if method or _function_name(module, function) == "onRequest"
    ]
    methods = {_function_name(module, function) for _, function, _ in pages}
    # `onRequestOptions` beside `onRequestGet` (census 7 B3, camdram-connected): each
    # answers its own method, however many share one header record
    if "onRequestOptions" not in methods or len(methods) < 2:
        return groups
    joined = [
        (function, method or _ALL_BUT_OPTIONS)
        for _, function, method in sorted(pages, key=lambda page: page[1].start_byte)
    ]
    kept = [group for index, group in enumerate(groups) if index not in {i for i, _, _ in pages}]
    return [*kept, (FETCH, joined)]


_ALL_BUT_OPTIONS = "!OPTIONS"


def _function_name(module: JsModule, function: Node) -> str:
    name = function.child_by_field_name("name")
    if name is None and function.parent is not None and function.parent.type == "variable_declarator":
        name = function.parent.child_by_field_name("name")
    return module.text(name) if name is not None else ""


def _returning_functions(module: JsModule) -> list[Node]:
    """Functions that may return a response: each with a `return` of an object, a `new`,
    a call or a name, an arrow with such a body, or a callback call (Lambda's)."""
    found: dict[int, Node] = {}
    for statement in module.of_kind("return_statement"):
        if statement.named_children and unwrap(statement.named_children[0]).type in _RETURNABLE:
            function = enclosing_function(statement)
            if function is not None:
                found.setdefault(function.id, function)
    for function in module.of_kind("arrow_function"):
        body = function.child_by_field_name("body")
        if body is not None and body.type != "statement_block" and unwrap(body).type in _RETURNABLE:
            found.setdefault(function.id, function)
    if b"callback" in module.source or b"cb(" in module.source:
        for function in module.of_kind(*FUNCTIONS):
            if len(parameter_names(module, function)) >= 3:
                found.setdefault(function.id, function)
    return sorted(found.values(), key=lambda node: node.start_byte)


_RETURNABLE = frozenset({"object", "new_expression", "call_expression", "identifier", "await_expression"})


def _further_credentials(location: Location) -> Evidence:
    return Evidence(
        "further-answer-credentials",
        "another answer writes the same Allow-Origin and Allow-Credentials",
        location,
    )


def _policy(
    module: JsModule,
    framework: str,
    functions: list[tuple[Node, str]],
    evidence: tuple[Evidence, ...],
    cache: SiteCache,
) -> CorsPolicy | None:
    first_roles = HandlerRoles((), (), "")
    steps = Steps(module, first_roles)
    reader = HeaderReader(steps, _WRITERS[framework])
    answers_options = False
    for function, method in functions:
        sites = [site for site in returned_sites(module, function, cache) if _carries_cors(site, framework)]
        if not sites:
            continue
        base: tuple[str, ...] = (_method_atom(method),) if method else ()
        preflight = next((site for site in sites if site.method == "OPTIONS"), None)
        other = _representative([site for site in sites if site.method != "OPTIONS"])
        if method == "OPTIONS":
            answers_options = True
        if preflight is not None:
            answers_options = True
            if (crash := parse_throws_before(module, function, preflight.returned)) is not None:
                _end(steps, Value(FUNCTION_ERROR_STATUS, module.location(crash)), (*base, "OPTIONS"))
                evidence = (*evidence, body_parse_evidence(module, crash))
            when = _guarded(steps, preflight, (*base, "OPTIONS"))
            _read(reader, preflight, when)
            _end(steps, bound_status(preflight), when)  # a helper's status: the caller's
            if "ALLOWED" in when and (refused := _refused_preflight(module, function, cache)) is not None:
                _end(steps, refused, (*base, "OPTIONS", "!ALLOWED"))
        if other is not None:
            when = base
            if other.method == "!OPTIONS" or preflight is not None:
                when = (*when, "!OPTIONS")
            when = _guarded(steps, other, when)
            _read(reader, other, when)
            # a helper called from elsewhere does not say what answers OPTIONS there
            every_method = (
                framework == FETCH
                and other.straight
                and not switched_helper(module, function)
                and not env_route_handler(module, function)
                and not options_answered_earlier(module, function)
            )
            end_when = when if method or every_method or "!OPTIONS" in when else (*when, "!OPTIONS")
            status = bound_status(other)
            if not (status.known and isinstance(status.raw, int)) and method != "OPTIONS":
                status = Value(200, status.location)  # a non-OPTIONS answer: its CORS headers matter
            _end(steps, status, end_when)
            further = [site for site in sites if site is not other and site.method != "OPTIONS"]
            paired = add_further_returns(steps, further, end_when, partial(_read_into, _WRITERS[framework]))
            evidence = (*evidence, *(_further_credentials(location) for location in paired))
    if framework == NEXT_ROUTE and not answers_options and next_answers_options(module):
        _end(steps, Value(204, module.location(functions[0][0])), ("METHOD:OPTIONS",))
    if (
        framework == LAMBDA
        and not answers_options
        and (
            gateway := gateway_preflight(
                module.file, module.location(functions[0][0]), memo_of(module.project)
            )
        )
    ):
        _end(steps, gateway[0], ("METHOD:OPTIONS",))  # API Gateway's own 404/403 (serverless.yml)
        evidence = (*evidence, gateway[1])
    if not answers_options:  # SvelteKit's 405, an itty-router table's own answer
        for unrouted, unrouted_when in unrouted_answers(module, framework, functions):
            _end(steps, Value(unrouted, module.location(functions[0][0])), unrouted_when)
    if not any(name.startswith("Access-Control-Allow-Origin") for name in steps.steps):
        return None
    if framework == LAMBDA and replaced_by_http_api(module):
        return None  # the HTTP API's own CORS replaces these headers (sweep 12 Y3)
    options = dict(steps.steps)
    if framework == LAMBDA and not answers_options and (cors := gateway_cors_status(module)):
        options["options_status"] = cors  # API Gateway answers OPTIONS from `cors` (sweep 12 X3)
    if steps.guard is not None:
        options["guard"] = steps.guard
    options.update(further_guards(steps))
    if steps.condition is not None:
        options["condition"] = steps.condition
    location = _location(module, framework, functions, options, cache)
    return CorsPolicy(
        framework=framework,
        location=location,
        options=options,
        evidence=evidence,
        development_only=is_development_path(module.path),
        label=f"{_LABELS[framework]} ({PurePosixPath(module.path).name})",
        probe_path=route_path(module.path) if framework == NEXT_ROUTE else "/",
        routes=served_routes(module, functions, route_path(module.path) if framework == NEXT_ROUTE else "/"),
        app=f"{module.path}::{framework}@{location.line}:{location.column}",
    )


def _location(
    module: JsModule,
    framework: str,
    functions: list[tuple[Node, str]],
    options: dict[str, Value],
    cache: SiteCache,
) -> Location:
    if framework == NEXT_ROUTE:
        # the first export that answers a preflighted method (a GET is read with simple requests)
        ordered = sorted(
            functions, key=lambda item: (item[1] in {"GET", "HEAD", "OPTIONS"}, item[0].start_byte)
        )
        for function, _ in ordered:
            if any(_carries_cors(site, framework) for site in returned_sites(module, function, cache)):
                statement = function.parent
                while statement is not None and statement.type not in {"export_statement", "program"}:
                    statement = statement.parent
                return module.location(
                    statement if statement is not None and statement.type == "export_statement" else function
                )
    step = next(value for name, value in options.items() if name.startswith("Access-Control-Allow-Origin"))
    return step.location


def _guarded(steps: Steps, site: ResponseSite, when: tuple[str, ...]) -> tuple[str, ...]:
    """The conditions `site` is answered under, its Origin allow-list test among them: the
    origins the test refuses get the early return's answer first, where it is a response
    without CORS headers (one with them is not a refusal corslint can read)."""
    guard = site.guard
    if guard is None or (steps.guard is not None and steps.guard.raw != guard.allowed.raw):
        return when
    refusals: list[ResponseSite] = []
    if guard.refusal is not None:
        roles, aliases = function_roles(guard.module, guard.function)
        refusals = expression_sites(guard.module, guard.function, guard.refusal, roles, aliases, 0)
        if len(refusals) != 1:
            return when
        refused = bound_status(refusals[0])
        # an error answer to the refused origins (`jsonError(403, ..., origin)`, census 6 sample
        # 213) refuses them even with CORS headers on it: what it exposes is the refusal
        if _carries_cors(refusals[0], FETCH) and not (
            refused.known and isinstance(refused.raw, int) and refused.raw >= 400
        ):
            return when
    steps.guard = guard.allowed
    if refusals:
        _end(steps, refused, (*when, "!ALLOWED"))
    return (*when, "ALLOWED")


def _refused_preflight(module: JsModule, function: Node, cache: SiteCache) -> Value | None:
    """The status of the one answer without CORS headers that the function's other OPTIONS
    requests get, after the allow-listed preflight's `if` (`if (origin && ok(origin)) return
    {204, headers}; return {403}`, census 6 sample 193)."""
    refusals = [
        site
        for site in returned_sites(module, function, cache)
        if site.method == "OPTIONS" and site.guard is None and not _carries_cors(site, LAMBDA)
    ]
    if len(refusals) != 1 or not (refusals[0].status.known and isinstance(refusals[0].status.raw, int)):
        return None
    return refusals[0].status


def _method_atom(method: str) -> str:
    if method == _ALL_BUT_OPTIONS:
        return "!OPTIONS"
    if method == "GET":
        return "METHOD:GET,HEAD"
    return f"METHOD:{method}"


def _representative(sites: list[ResponseSite]) -> ResponseSite | None:
    """The answer judged for the other methods: a successful one that sets Allow-Origin."""

    def success(site: ResponseSite) -> bool:
        return site.status.known and isinstance(site.status.raw, int) and 200 <= site.status.raw < 300

    with_origin = [site for site in sites if _sets_origin(site)]
    succeeding = [s for s in with_origin if success(s)]
    # a Lambda result's early exits are answers of their own; a Fetch handler's `if (early)
    # return early` is its preflight helper's answer, read as before
    main = [s for s in succeeding if s.style == LAMBDA and _on_main_path(s.returned)]
    for group in (main, succeeding, with_origin, sites):
        if group:
            return group[0]
    return None


_BRANCHING = frozenset(
    {"if_statement", "switch_case", "catch_clause", "for_statement", "for_in_statement", "while_statement"}
)


def _on_main_path(returned: Node) -> bool:
    """Whether a return is reached without any branch taken: not an early exit under an
    `if` (rproenza86/mern-on-aws `createTodo.ts` answers an invalid token with a 201 before
    the success return), nor a `catch` or a loop; the findings go where the handler answers."""
    node = returned.parent
    while node is not None and node.type not in FUNCTIONS:
        if node.type in _BRANCHING:
            return False
        node = node.parent
    return True


def _read(reader: HeaderReader, site: ResponseSite, when: tuple[str, ...]) -> None:
    reader.bindings = {(site.module.path, name): passed for name, passed in site.bound.items()}
    if site.headers is not None:
        reader.read(site.module, site.headers, site.roles, site.aliases, when)
    for module, holder, use, roles, aliases in site.extra:
        state = Steps(module, roles, steps=reader.steps.steps, aliases=dict(aliases))
        state.guard, state.more_guards = reader.steps.guard, reader.steps.more_guards
        declared_aliases(state, use)  # `const origin = request.headers.get("origin")`
        set_calls(reader, state, holder, use, when)
        reader.steps.guard = state.guard
        reader.steps.condition = reader.steps.condition or state.condition


def _read_into(writer: str, steps: Steps, site: ResponseSite, when: tuple[str, ...]) -> None:
    _read(HeaderReader(steps, writer), site, when)


def _end(steps: Steps, status: Value, when: tuple[str, ...]) -> None:
    location = status.location
    value = Value(status.raw, location) if status.known else status
    steps.add(
        "end",
        Value({"status": value, "when": Value(tuple(Value(w, location) for w in when), location)}, location),
        location,
    )


def _carries_cors(site: ResponseSite, framework: str) -> bool:
    scratch = Steps(site.module, site.roles)
    _read(HeaderReader(scratch, _WRITERS[framework]), site, ())
    return any(name.startswith("Access-Control-") for name in scratch.steps)


def _sets_origin(site: ResponseSite) -> bool:
    scratch = Steps(site.module, site.roles)
    _read(HeaderReader(scratch, "set"), site, ())
    return any(name.startswith("Access-Control-Allow-Origin") for name in scratch.steps)


def _authorization_read(module: JsModule) -> tuple[Evidence, ...]:
    text = module.source.decode("utf-8", "replace")
    found = _AUTHORIZATION_READ.search(text)
    if found is None:
        return ()
    line = text.count("\n", 0, found.start()) + 1
    return (Evidence("bearer-auth", "the Authorization header", Location.point(module.path, line)),)
