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
docs/patterns.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from corslint.extractors.express.flag_gated_headers import switched_helper
from corslint.extractors.express.handler_roles import HandlerRoles
from corslint.extractors.express.handwritten_steps import Steps
from corslint.extractors.express.helper_header_flow import branch_assigned, called_by_others, declared_aliases
from corslint.extractors.express.lambda_body_parse import (
    FUNCTION_ERROR_STATUS,
    body_parse_evidence,
    parse_throws_before,
)
from corslint.extractors.express.request_inputs import alias_source
from corslint.extractors.express.response_entries import (
    env_route_handler,
    fetch_entry,
    is_route_file,
    next_answers_options,
    pages_function_method,
    route_exports,
    route_path,
)
from corslint.extractors.express.response_guards import OriginGuard, origin_guard
from corslint.extractors.express.response_headers import (
    FUNCTIONS,
    HeaderReader,
    called_functions,
    declared_value,
    enclosing_function,
    parameter_names,
    returned_expressions,
    set_calls,
)
from corslint.extractors.express.response_methods import served_routes
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.project_files import is_development_path
from corslint.extractors.js.syntax import Node, string_value, unwrap, walk
from corslint.model import CorsPolicy, Evidence, Location, Value

LAMBDA, FETCH, NEXT_ROUTE = "lambda_headers", "fetch_headers", "nextjs_route_headers"
_WRITERS = {LAMBDA: "lambda", FETCH: "fetch-set", NEXT_ROUTE: "fetch-set"}
_LABELS = {LAMBDA: "AWS Lambda result", FETCH: "Fetch Response", NEXT_ROUTE: "Next.js route handler"}
_RESPONSE_CONSTRUCTORS = frozenset({"Response", "NextResponse"})
_RESPONSE_FACTORIES = frozenset({"Response.json", "NextResponse.json"})
_METHOD_TEST = re.compile(
    r"""^\(?\s*[\w$.?]+\.(?:method|httpMethod)(?:\.toUpperCase\(\))?\s*(===|==|!==|!=)\s*['"]OPTIONS['"]\s*\)?$"""
)
_AUTHORIZATION_READ = re.compile(
    r"""headers(?:\.get\(\s*|\??\.?\[\s*|\.)['"`]?authorization['"`]?""", re.IGNORECASE
)
_MAX_DEPTH = 3


@dataclass
class _Site:
    """One response a function returns, and where its header object is."""

    returned: Node  # the returned expression, in the policy's module
    module: JsModule  # the module that builds the response (a helper's, possibly)
    builder: Node  # the function that builds it
    headers: Node | None  # its header object expression, in `module`
    status: Value
    style: str  # LAMBDA or FETCH
    # where `.headers.set(...)` calls add to it: (module, the variable holding the response,
    # the use they come before, the roles and aliases to read them with)
    extra: list[tuple[JsModule, str, Node, HandlerRoles, dict[str, str]]] = field(default_factory=list)
    method: str = ""  # "OPTIONS" / "!OPTIONS": a method test decides that it is returned
    straight: bool = False  # returned whatever the request, by the function's only return
    aliases: dict[str, str] = field(default_factory=dict)
    roles: HandlerRoles = field(default_factory=lambda: HandlerRoles((), (), ""))
    guard: OriginGuard | None = None  # an allow-list test on the Origin it sits behind
    # a helper's parameters -> what the caller passes (its module, node, roles, aliases)
    bound: dict[str, tuple[JsModule, Node, HandlerRoles, dict[str, str]]] = field(default_factory=dict)


def response_object_policies(module: JsModule, bearer: tuple[Evidence, ...]) -> list[CorsPolicy]:
    if PurePosixPath(module.path).stem in {"middleware", "proxy"} and any(
        specifier == "next/server" for specifier, _ in module.imports.values()
    ):
        return []  # a Next.js middleware: `next_middleware` reads it
    source = module.source
    if b"statusCode" not in source and b"Response" not in source and not is_route_file(module.path):
        return []  # (a route file may answer through a helper: `return jsonCors(data)`)
    evidence = bearer or _authorization_read(module)
    # a route file outside `app/` (read alone) that answers with NextResponse is one too
    route_file = is_route_file(module.path) or (
        PurePosixPath(module.path).stem == "route"
        and any(specifier == "next/server" for specifier, _ in module.imports.values())
    )
    groups: list[tuple[str, list[tuple[Node, str]]]] = []
    reached: set[int] = set()
    candidates: list[tuple[Node, list[_Site]]] = []
    cache: Cache = {}
    for function in _returning_functions(module):
        sites = _sites(module, function, cache)
        if sites:
            candidates.append((function, sites))
            for site in sites:
                if site.module is module and site.builder.id != function.id:
                    reached.add(site.builder.id)  # a helper of this function: judged with it
    reached |= called_by_others(module, [function for function, _ in candidates])
    exports = route_exports(module) if route_file else {}
    route_functions = [(function, method) for function, method in exports.items()]
    if route_functions:
        groups.append((NEXT_ROUTE, [(function, method) for function, method in route_functions]))
    exported = {function.id for function, _ in route_functions}
    for function, sites in candidates:
        if function.id in reached or function.id in exported:
            continue
        style = FETCH if any(site.style == FETCH for site in sites) else LAMBDA
        if style == FETCH and not fetch_entry(module, function) and not switched_helper(module, function):
            continue  # a helper (`jsonResponse(data)`): judged in the handlers that return it
        groups.append((style, [(function, pages_function_method(module, function))]))
    policies: list[CorsPolicy] = []
    for framework, functions in groups:
        policy = _policy(module, framework, functions, evidence, cache)
        # one header literal shared by several functions (`success()` and `failure()` both
        # returning `buildResponse(...)`) is one configuration, not a second layer
        if policy is not None and all(other.app != policy.app for other in policies):
            policies.append(policy)
    return policies


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


def _policy(
    module: JsModule,
    framework: str,
    functions: list[tuple[Node, str]],
    evidence: tuple[Evidence, ...],
    cache: Cache,
) -> CorsPolicy | None:
    first_roles = HandlerRoles((), (), "")
    steps = Steps(module, first_roles)
    reader = HeaderReader(steps, _WRITERS[framework])
    answers_options = False
    for function, method in functions:
        sites = [site for site in _sites(module, function, cache) if _carries_cors(site, framework)]
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
            _end(steps, preflight.status, when)
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
            )
            end_when = when if method or every_method or "!OPTIONS" in when else (*when, "!OPTIONS")
            status = other.status
            if not (status.known and isinstance(status.raw, int)) and method != "OPTIONS":
                status = Value(200, status.location)  # a non-OPTIONS answer: its CORS headers matter
            _end(steps, status, end_when)
    if framework == NEXT_ROUTE and not answers_options and next_answers_options(module):
        _end(steps, Value(204, module.location(functions[0][0])), ("METHOD:OPTIONS",))
    if not any(name.startswith("Access-Control-Allow-Origin") for name in steps.steps):
        return None
    options = dict(steps.steps)
    if steps.guard is not None:
        options["guard"] = steps.guard
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
    cache: Cache,
) -> Location:
    if framework == NEXT_ROUTE:
        # the first export that answers a preflighted method (a GET is read with simple requests)
        ordered = sorted(
            functions, key=lambda item: (item[1] in {"GET", "HEAD", "OPTIONS"}, item[0].start_byte)
        )
        for function, _ in ordered:
            if any(_carries_cors(site, framework) for site in _sites(module, function, cache)):
                statement = function.parent
                while statement is not None and statement.type not in {"export_statement", "program"}:
                    statement = statement.parent
                return module.location(
                    statement if statement is not None and statement.type == "export_statement" else function
                )
    step = next(value for name, value in options.items() if name.startswith("Access-Control-Allow-Origin"))
    return step.location


def _guarded(steps: Steps, site: _Site, when: tuple[str, ...]) -> tuple[str, ...]:
    """The conditions `site` is answered under, its Origin allow-list test among them: the
    origins the test refuses get the early return's answer first, where it is a response
    without CORS headers (one with them is not a refusal corslint can read)."""
    guard = site.guard
    if guard is None or (steps.guard is not None and steps.guard.raw != guard.allowed.raw):
        return when
    refusals: list[_Site] = []
    if guard.refusal is not None:
        roles, aliases = _function_roles(guard.module, guard.function)
        refusals = _site(guard.module, guard.function, guard.refusal, roles, aliases, 0)
        if len(refusals) != 1 or _carries_cors(refusals[0], FETCH):
            return when
    steps.guard = guard.allowed
    if refusals:
        _end(steps, refusals[0].status, (*when, "!ALLOWED"))
    return (*when, "ALLOWED")


def _method_atom(method: str) -> str:
    if method == "GET":
        return "METHOD:GET,HEAD"
    return f"METHOD:{method}"


def _representative(sites: list[_Site]) -> _Site | None:
    """The answer judged for the other methods: a successful one that sets Allow-Origin."""

    def success(site: _Site) -> bool:
        return site.status.known and isinstance(site.status.raw, int) and 200 <= site.status.raw < 300

    with_origin = [site for site in sites if _sets_origin(site)]
    for group in ([s for s in with_origin if success(s)], with_origin, sites):
        if group:
            return group[0]
    return None


def _read(reader: HeaderReader, site: _Site, when: tuple[str, ...]) -> None:
    reader.bindings = {(site.module.path, name): passed for name, passed in site.bound.items()}
    if site.headers is not None:
        reader.read(site.module, site.headers, site.roles, site.aliases, when)
    for module, holder, use, roles, aliases in site.extra:
        state = Steps(module, roles, steps=reader.steps.steps, aliases=dict(aliases))
        state.guard = reader.steps.guard
        declared_aliases(state, use)  # `const origin = request.headers.get("origin")`
        set_calls(reader, state, holder, use, when)
        reader.steps.guard = state.guard
        reader.steps.condition = reader.steps.condition or state.condition


def _end(steps: Steps, status: Value, when: tuple[str, ...]) -> None:
    location = status.location
    value = Value(status.raw, location) if status.known else status
    steps.add(
        "end",
        Value({"status": value, "when": Value(tuple(Value(w, location) for w in when), location)}, location),
        location,
    )


def _carries_cors(site: _Site, framework: str) -> bool:
    scratch = Steps(site.module, site.roles)
    _read(HeaderReader(scratch, _WRITERS[framework]), site, ())
    return any(name.startswith("Access-Control-") for name in scratch.steps)


def _sets_origin(site: _Site) -> bool:
    scratch = Steps(site.module, site.roles)
    _read(HeaderReader(scratch, "set"), site, ())
    return any(name.startswith("Access-Control-Allow-Origin") for name in scratch.steps)


# -- the sites ------------------------------------------------------------------------


Cache = dict[tuple[str, int], list[_Site]]


def _sites(module: JsModule, function: Node, cache: Cache, depth: int = 0) -> list[_Site]:
    """The responses `function` returns (directly, or through a helper it returns the
    result of), with the method test and the request names each is read with."""
    key = (module.path, function.id)
    if key not in cache:
        cache[key] = _find_sites(module, function, depth)
    return cache[key]


def _find_sites(module: JsModule, function: Node, depth: int) -> list[_Site]:
    roles, aliases = _function_roles(module, function)
    found: list[_Site] = []
    for returned, statement in _returns(module, function):
        for site in _site(module, function, returned, roles, aliases, depth):
            if statement is not None:
                site.method = _method_condition(module, statement)
                site.straight = _straight(function, statement)
                site.guard = origin_guard(module, function, statement, roles, aliases) or site.guard
            else:
                site.straight = True
            site.returned = returned
            found.append(site)
    return found


def _returns(module: JsModule, function: Node) -> list[tuple[Node, Node | None]]:
    """(expression, statement) for each value the function returns or hands to Lambda's
    `callback(null, result)`; an arrow's expression body has no statement."""
    body = function.child_by_field_name("body")
    if body is None:
        return []
    if body.type != "statement_block":
        return [(unwrap(body), None)]
    names = parameter_names(module, function)
    callback = names[2] if len(names) >= 3 else ""
    found = []
    for node in walk(body):
        kind = node.type  # (PERF) the owner test climbs to the function: only where it counts
        if kind != "return_statement" and (kind != "call_expression" or not callback):
            continue
        if enclosing_function(node) != function:
            continue
        if node.type == "return_statement" and node.named_children:
            found.append((unwrap(node.named_children[0]), node))
        elif node.type == "call_expression" and callback:
            callee = node.child_by_field_name("function")
            arguments = node.child_by_field_name("arguments")
            args = (
                [c for c in arguments.named_children if c.type != "comment"] if arguments is not None else []
            )
            if callee is not None and module.text(callee) == callback and len(args) == 2:
                statement = node.parent
                found.append((unwrap(args[1]), statement if statement is not None else node))
    return found


def _function_roles(module: JsModule, function: Node) -> tuple[HandlerRoles, dict[str, str]]:
    names = parameter_names(module, function)
    first = names[0] if names else ""
    requests = (first, f"{first}.request") if first else ()
    roles = HandlerRoles(requests=requests, responses=(), next_name="")
    aliases: dict[str, str] = {}
    body = function.child_by_field_name("body")
    if body is None or b"headers" not in (body.text or b""):
        return roles, aliases
    for declarator in module.of_kind("variable_declarator"):
        if (
            function.start_byte <= declarator.start_byte < function.end_byte
            and enclosing_function(declarator) == function
        ):
            aliases.update(alias_source(module, roles, aliases, declarator))
    return roles, aliases


def _site(
    module: JsModule,
    function: Node,
    returned: Node,
    roles: HandlerRoles,
    aliases: dict[str, str],
    depth: int,
) -> list[_Site]:
    node = unwrap(returned)
    if node.type == "await_expression" and node.named_children:
        node = unwrap(node.named_children[0])
    if node.type == "object":
        pairs = _pairs(module, node)
        if "statusCode" not in pairs:
            return []
        return [
            _Site(
                node,
                module,
                function,
                pairs.get("headers"),
                _status(module, pairs["statusCode"], node),
                LAMBDA,
                roles=roles,
                aliases=aliases,
            )
        ]
    if node.type == "identifier":
        declared = declared_value(module, module.text(node), node)
        if declared is not None and declared.type == "await_expression" and declared.named_children:
            declared = unwrap(declared.named_children[0])
        if declared is None and branch_assigned(module, module.text(node), node):
            # `let response; if (...) response = await f(req); else response = new Response(...)`
            # then `response.headers.set(...)`: those writes are what is known of it
            extra = [(module, module.text(node), node, roles, aliases)]
            status = Value(200, module.location(node))
            return [_Site(node, module, function, None, status, FETCH, extra, aliases=aliases, roles=roles)]
        if declared is None or declared.type not in {"object", "new_expression", "call_expression"}:
            return []
        sites = _site(module, function, declared, roles, aliases, depth + 1)
        for site in sites:
            if site.style == FETCH:
                site.extra.append((module, module.text(node), node, roles, aliases))
        return sites
    built = _response(module, function, node, roles, aliases)
    if built is not None:
        return [built]
    if node.type == "call_expression" and depth < _MAX_DEPTH:
        callee = node.child_by_field_name("function")
        found = called_functions(module, callee) if callee is not None else []
        if len(found) != 1:
            return []
        helper_module, helper = found[0]
        helper_roles, helper_aliases = _function_roles(helper_module, helper)
        names = parameter_names(helper_module, helper)
        arguments = node.child_by_field_name("arguments")
        passed = [c for c in arguments.named_children if c.type != "comment"] if arguments is not None else []
        sites = []
        for expression in returned_expressions(helper_module, helper):
            name = helper_module.text(expression) if expression.type == "identifier" else ""
            if name and name in names and names.index(name) < len(passed):
                # `withCors(NextResponse.json(data))`: the response passed in, with the
                # headers the helper sets on it
                inner = _site(module, function, passed[names.index(name)], roles, aliases, depth + 1)
                requests = tuple(
                    n
                    for n, argument in zip(names, passed, strict=False)
                    if module.text(argument) in roles.requests
                )
                for site in inner:
                    site.extra.append((helper_module, name, expression, HandlerRoles(requests, (), ""), {}))
                sites += inner
                continue
            inner = _site(helper_module, helper, expression, helper_roles, helper_aliases, depth + 1)
            for site in inner:
                site.guard = site.guard or origin_guard(
                    helper_module, helper, expression, helper_roles, helper_aliases
                )
                if site.module is helper_module and not site.bound:  # `{...extraHeaders}`: the caller's
                    given = zip(names, passed, strict=False)
                    site.bound = {n: (module, a, roles, aliases) for n, a in given if n}
            sites += inner
        return sites
    return []


def _builds_response(module: JsModule, node: Node) -> bool:
    callee = node.child_by_field_name("function")
    return callee is not None and module.text(callee).replace(" ", "") in _RESPONSE_FACTORIES


def _response(
    module: JsModule, function: Node, node: Node, roles: HandlerRoles, aliases: dict[str, str]
) -> _Site | None:
    """`new Response(body, init)`, `Response.json(data, init)` and the NextResponse forms."""
    if node.type == "new_expression":
        constructor = node.child_by_field_name("constructor")
        if constructor is None or module.text(constructor) not in _RESPONSE_CONSTRUCTORS:
            return None
    elif not (node.type == "call_expression" and _builds_response(module, node)):
        return None
    arguments = node.child_by_field_name("arguments")
    args = [c for c in arguments.named_children if c.type != "comment"] if arguments is not None else []
    init = unwrap(args[1]) if len(args) > 1 else None
    if init is not None and init.type == "identifier":
        declared = declared_value(module, module.text(init), init)
        init = declared if declared is not None and declared.type == "object" else init
    pairs = _pairs(module, init) if init is not None and init.type == "object" else {}
    status = (
        _status(module, pairs["status"], node) if "status" in pairs else Value(200, module.location(node))
    )
    return _Site(node, module, function, pairs.get("headers"), status, FETCH, roles=roles, aliases=aliases)


def _pairs(module: JsModule, node: Node) -> dict[str, Node]:
    """An object literal's properties by key (a shorthand `headers` is its identifier)."""
    found: dict[str, Node] = {}
    for child in node.named_children:
        if child.type == "pair":
            key = child.child_by_field_name("key")
            value = child.child_by_field_name("value")
            name = (string_value(key) or module.text(key)) if key is not None else ""
            if value is not None:
                found[name] = value
        elif child.type == "shorthand_property_identifier":
            found[module.text(child)] = child
    return found


def _status(module: JsModule, node: Node, at: Node) -> Value:
    value = module.resolve(node)
    raw = value.raw
    if value.known and isinstance(raw, str) and raw.isdigit():
        raw = int(raw)  # `statusCode: '204'`: API Gateway reads it as a number
    if value.known and isinstance(raw, int):
        return Value(raw, module.location(at))
    return module.unknown(node)


def _method_condition(module: JsModule, statement: Node) -> str:
    """`OPTIONS` / `!OPTIONS` when a test of the request method decides that the statement
    runs: an `if` around it, or an earlier `if (... === 'OPTIONS') return` before it."""
    child, parent = statement, statement.parent
    while parent is not None and parent.type not in FUNCTIONS:
        if parent.type == "if_statement" and child != parent.child_by_field_name("condition"):
            test = _method_test(module, parent)
            if test is not None:
                return test if parent.child_by_field_name("consequence") == child else _negated(test)
        if parent.type == "statement_block":
            for earlier in parent.named_children:
                if earlier.start_byte >= child.start_byte:
                    break
                if earlier.type == "if_statement" and earlier.child_by_field_name("alternative") is None:
                    test = _method_test(module, earlier)
                    consequence = earlier.child_by_field_name("consequence")
                    if test is not None and consequence is not None and _always_returns(consequence):
                        return _negated(test)
        child, parent = parent, parent.parent
    return ""


def _method_test(module: JsModule, statement: Node) -> str | None:
    condition = statement.child_by_field_name("condition")
    text = module.text(condition).strip() if condition is not None else ""
    while text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    found = _METHOD_TEST.match(text)
    if found is None:
        return None
    return "OPTIONS" if found.group(1) in {"===", "=="} else "!OPTIONS"


def _negated(test: str) -> str:
    return test[1:] if test.startswith("!") else f"!{test}"


def _always_returns(block: Node) -> bool:
    if block.type == "return_statement":
        return True
    if block.type == "statement_block":
        return any(child.type == "return_statement" for child in block.named_children)
    return block.type == "expression_statement" and "callback(" in (block.text or b"").decode(
        "utf-8", "replace"
    )


def _straight(function: Node, statement: Node) -> bool:
    """Whether the statement is the function's only return, in its body's own block."""
    body = function.child_by_field_name("body")
    if body is None or statement.parent != body:
        return False
    return not any(
        node.type == "return_statement" and node != statement and enclosing_function(node) == function
        for node in walk(body)
    )


def _authorization_read(module: JsModule) -> tuple[Evidence, ...]:
    text = module.source.decode("utf-8", "replace")
    found = _AUTHORIZATION_READ.search(text)
    if found is None:
        return ()
    line = text.count("\n", 0, found.start()) + 1
    return (Evidence("bearer-auth", "the Authorization header", Location.point(module.path, line)),)
