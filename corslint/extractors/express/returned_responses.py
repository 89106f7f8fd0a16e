"""The responses a function returns, for `response_objects`: an AWS Lambda proxy result
(`{ statusCode, headers, body }`, also handed to `callback(null, result)`) or a Fetch
`Response` (`new Response(body, {headers})`, `Response.json(...)`, the NextResponse forms,
with the `.headers.set(...)` calls made on it before the return), found directly or through
a same-project helper whose result the function returns; each with the request-method test
that decides it is returned, and the request names and aliases its headers are read with."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from corslint.extractors.express.fetch_cors_ports import port_defaults
from corslint.extractors.express.flag_tests import options_conjunct
from corslint.extractors.express.forwarded_init import forwarded_init
from corslint.extractors.express.handler_roles import HandlerRoles
from corslint.extractors.express.helper_header_flow import branch_assigned, straight_reassigned
from corslint.extractors.express.hono_fetch_middleware import hono_after_next, hono_context_requests
from corslint.extractors.express.promise_results import resolved_results
from corslint.extractors.express.request_inputs import alias_source, request_source
from corslint.extractors.express.response_guards import OriginGuard, origin_guard
from corslint.extractors.express.response_headers import (
    called_functions,
    nodes_within,
    parameter_names,
    returned_expressions,
)
from corslint.extractors.express.sveltekit_endpoints import builds_kit_response
from corslint.extractors.express.sveltekit_hooks import resolve_call
from corslint.extractors.js.declared_values import FUNCTIONS, declared_value, enclosing_function
from corslint.extractors.js.method_calls import call_arguments
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, string_value, unwrap, walk
from corslint.model import Value

LAMBDA, FETCH = "lambda_headers", "fetch_headers"
_RESPONSE_CONSTRUCTORS = frozenset({"Response", "NextResponse"})
_RESPONSE_FACTORIES = frozenset({"Response.json", "NextResponse.json"})
_METHOD_TEST = re.compile(
    r"""^\(?\s*[\w$.?]+\.(?:method|httpMethod)(?:\.toUpperCase\(\))?\s*(===|==|!==|!=)\s*['"]OPTIONS['"]\s*\)?$"""
)
_MAX_DEPTH = 3


@dataclass
class ResponseSite:
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
    # the helper it comes from also returns answers corslint cannot read (`return
    # handlerResult` from a handler table): it is not the answer to every request
    partial: bool = False
    aliases: dict[str, str] = field(default_factory=dict)
    roles: HandlerRoles = field(default_factory=lambda: HandlerRoles((), (), ""))
    guard: OriginGuard | None = None  # an allow-list test on the Origin it sits behind
    # a helper's parameters -> what the caller passes (its module, node, roles, aliases)
    bound: dict[str, tuple[JsModule, Node, HandlerRoles, dict[str, str]]] = field(default_factory=dict)


SiteCache = dict[tuple[str, int], list[ResponseSite]]


def returned_sites(module: JsModule, function: Node, cache: SiteCache, depth: int = 0) -> list[ResponseSite]:
    """The responses `function` returns (directly, or through a helper it returns the
    result of), with the method test and the request names each is read with."""
    key = (module.path, function.id)
    if key not in cache:
        cache[key] = _find_sites(module, function, depth)
    return cache[key]


def _find_sites(module: JsModule, function: Node, depth: int) -> list[ResponseSite]:
    roles, aliases = function_roles(module, function)
    found: list[ResponseSite] = []
    for returned, statement in _returns(module, function):
        for site in expression_sites(module, function, returned, roles, aliases, depth):
            if statement is not None:
                site.method = _method_condition(module, statement)
                site.straight = _straight(function, statement) and not site.partial
                site.guard = origin_guard(module, function, statement, roles, aliases) or site.guard
            else:
                site.straight = not site.partial
            site.returned = returned
            found.append(site)
    after = hono_after_next(module, function)
    if after is not None:  # `await next(); ... c.res.headers.set(...)`: the app's response, added to
        call, statement, holder, end = after
        status = Value(200, module.location(call))
        site = ResponseSite(call, module, function, None, status, FETCH, roles=roles, aliases=aliases)
        site.extra.append((module, holder, end, roles, aliases))
        site.method = _method_condition(module, statement)
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
    # (PERF) the module's returns (and calls) inside the body, from its index: walking each
    # function's body, nested ones again in every function around them, took 1.4 s of a
    # 3 MB vendored bundle; the owner test climbs to the function, only where it counts
    kinds = ("return_statement", "call_expression") if callback else ("return_statement",)
    for node in nodes_within(module.of_kind(*kinds), body):
        kind = node.type
        if enclosing_function(node) != function and not (
            kind == "call_expression" and _reaches_callback(module, node, function, callback)
        ):
            continue
        if node.type == "return_statement" and node.named_children:
            found.append((unwrap(node.named_children[0]), node))
            found += resolved_results(module, node.named_children[0])  # `return new Promise(...)`
        elif node.type == "call_expression" and callback:
            callee = node.child_by_field_name("function")
            args = call_arguments(node)
            if callee is not None and module.text(callee) == callback and len(args) == 2:
                statement = node.parent
                found.append((unwrap(args[1]), statement if statement is not None else node))
    return found


def _reaches_callback(module: JsModule, call: Node, function: Node, callback: str) -> bool:
    """Lambda's `callback` called from a callback of the handler (`query.then((rows) =>
    callback(null, {...}))`, thomaswang-archive/vue-admin-dashboard `functions/getUserData.js`):
    the handler's own callback, where no function in between names a parameter so."""
    inner = enclosing_function(call)
    while inner is not None and inner != function:
        if callback in parameter_names(module, inner):
            return False
        inner = enclosing_function(inner)
    return inner is not None and inner.id == function.id


def function_roles(module: JsModule, function: Node) -> tuple[HandlerRoles, dict[str, str]]:
    names = parameter_names(module, function)
    first = names[0] if names else ""
    requests = (first, f"{first}.request", *hono_context_requests(module, names)) if first else ()
    roles = HandlerRoles(requests=requests, responses=(), next_name="")
    aliases: dict[str, str] = {}
    body = function.child_by_field_name("body")
    if body is None or b"headers" not in (body.text or b""):
        return roles, aliases
    for declarator in nodes_within(module.of_kind("variable_declarator"), function):
        if enclosing_function(declarator) == function:
            aliases.update(alias_source(module, roles, aliases, declarator))
    return roles, aliases


def expression_sites(
    module: JsModule,
    function: Node,
    returned: Node,
    roles: HandlerRoles,
    aliases: dict[str, str],
    depth: int,
) -> list[ResponseSite]:
    node = unwrap(returned)
    if node.type == "await_expression" and node.named_children:
        node = unwrap(node.named_children[0])
    if node.type == "object":
        pairs = _pairs(module, node)
        if "statusCode" not in pairs:
            return []
        return [
            ResponseSite(
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
        if declared is None:
            declared = straight_reassigned(module, module.text(node), node)
        if declared is None and branch_assigned(module, module.text(node), node):
            # `let response; if (...) response = await f(req); else response = new Response(...)`
            # then `response.headers.set(...)`: those writes are what is known of it
            extra = [(module, module.text(node), node, roles, aliases)]
            status = Value(200, module.location(node))
            return [
                ResponseSite(node, module, function, None, status, FETCH, extra, aliases=aliases, roles=roles)
            ]
        if declared is None or declared.type not in {"object", "new_expression", "call_expression"}:
            return []
        sites = expression_sites(module, function, declared, roles, aliases, depth + 1)
        if not sites and _wrapped_handler_result(module, function, declared, module.text(node)):
            # `const response = await handler(request)` in a `withCors(handler)` wrapper, then
            # `response.headers.set(...)`: the wrapped route's response, those writes on it
            status = Value(200, module.location(node))
            sites = [ResponseSite(node, module, function, None, status, FETCH, aliases=aliases, roles=roles)]
        for site in sites:
            if site.style == FETCH:
                site.extra.append((module, module.text(node), node, roles, aliases))
        return sites
    built = _response(module, function, node, roles, aliases)
    if built is not None:
        return [built]
    if node.type == "call_expression" and (then := _next_then(module, function, node)) is not None:
        # `context.next().then((response) => { response.headers.set(...); return response })`
        name, use = then
        site = ResponseSite(node, module, function, None, Value(200, module.location(node)), FETCH)
        site.roles, site.aliases = roles, aliases
        site.extra.append((module, name, use, roles, aliases))
        return [site]
    if node.type == "call_expression" and (
        _pages_next(module, function, node) or resolve_call(module, function, node)
    ):
        # a Pages Function middleware's `await context.next()`: the rest of the app's
        # response, with the headers set on it before it is returned
        return [
            ResponseSite(
                node,
                module,
                function,
                None,
                Value(200, module.location(node)),
                FETCH,
                roles=roles,
                aliases=aliases,
            )
        ]
    if node.type == "call_expression" and depth < _MAX_DEPTH:
        callee = node.child_by_field_name("function")
        found = called_functions(module, callee) if callee is not None else []
        if len(found) != 1:
            return []
        helper_module, helper = found[0]
        if port_defaults(helper_module, helper) is not None:
            return []  # a cors port: read at the call with its options (`fetch_cors_ports`)
        helper_roles, helper_aliases = function_roles(helper_module, helper)
        names = parameter_names(helper_module, helper)
        passed = call_arguments(node)
        sites = []
        unread = False
        for expression in returned_expressions(helper_module, helper):
            name = helper_module.text(expression) if expression.type == "identifier" else ""
            parameter = _parameter_alias(helper_module, name, expression, names)
            if parameter and names.index(parameter) < len(passed):
                # `withCors(NextResponse.json(data))`: the response passed in, with the
                # headers the helper sets on it
                inner = expression_sites(
                    module, function, passed[names.index(parameter)], roles, aliases, depth + 1
                )
                requests = tuple(
                    n
                    for n, argument in zip(names, passed, strict=False)
                    if module.text(argument) in roles.requests
                )
                # `withCors(response, origin)` after `const origin = request.headers.get('origin')`
                passed_aliases = {
                    n: aliases[module.text(argument)]
                    for n, argument in zip(names, passed, strict=False)
                    if n and module.text(argument) in aliases
                }
                for site in inner:
                    site.extra.append(
                        (helper_module, name, expression, HandlerRoles(requests, (), ""), passed_aliases)
                    )
                sites += inner
                continue
            forwarded = _forwarded_site(module, function, node, helper_module, expression, names, passed)
            if forwarded is not None:  # `jsonResponse(data, { headers })` -> `NextResponse.json(x, init)`
                forwarded.roles, forwarded.aliases = roles, aliases
                sites.append(forwarded)
                continue
            spread = _spread_result(module, node, helper_module, helper, expression, names, passed)
            if spread is not None:  # `respond({ statusCode: 204, body: "" })`
                spread.roles, spread.aliases = helper_roles, helper_aliases
                sites.append(spread)
                continue
            # `jsonForCaller(body, init, request.headers.get("origin"))`: the parameter is the Origin
            sourced = {
                n: source
                for n, argument in zip(names, passed, strict=False)
                if n and (source := request_source(module, roles, aliases, argument)) is not None
            }
            inner = expression_sites(
                helper_module, helper, expression, helper_roles, {**helper_aliases, **sourced}, depth + 1
            )
            statement = _return_statement(expression)
            for site in inner:
                site.guard = site.guard or origin_guard(
                    helper_module, helper, expression, helper_roles, helper_aliases
                )
                if statement is not None and not site.method:  # `if (method === 'OPTIONS') return {...}`
                    site.method = _method_condition(helper_module, statement)
                if site.module is helper_module and not site.bound:  # `{...extraHeaders}`: the caller's
                    given = zip(names, passed, strict=False)
                    site.bound = {n: (module, a, roles, aliases) for n, a in given if n}
            unread = unread or (not inner and expression.type in _UNREAD_ANSWERS)
            sites += inner
        for site in sites if unread else []:
            site.partial = True
        return sites
    return []


# returned values that may be any response: a variable or call corslint could not follow
_UNREAD_ANSWERS = frozenset({"identifier", "call_expression", "await_expression", "member_expression"})


def _parameter_alias(module: JsModule, name: str, use: Node, parameters: list[str]) -> str:
    """The parameter a returned name is: itself, or the one it was declared as (`const
    newResponse = res; newResponse.headers.append(...); return newResponse`, census 7 B13,
    amirparsadd/facts-api `src/utils/cors.js`); "" for anything else."""
    if not name or name in parameters:
        return name
    declared = declared_value(module, name, use)
    if declared is not None and declared.type == "identifier" and module.text(declared) in parameters:
        return module.text(declared)
    return ""


def _wrapped_handler_result(module: JsModule, function: Node, declared: Node, name: str) -> bool:
    """Whether `declared` calls a parameter of a function around `function` (the handler a
    `withCors(handler)` wrapper wraps) with the request, and `function` sets headers on the
    result (`name.headers.set`): census 6 sample 186, 2bfoundrydev/GTS_framework `utils/cors.ts`."""
    if declared.type != "call_expression" or f"{name}.headers.set(" not in module.text(function).replace(
        " ", ""
    ):
        return False
    callee = declared.child_by_field_name("function")
    if callee is None or callee.type != "identifier":
        return False
    outer = enclosing_function(function)
    if outer is None or module.text(callee) not in parameter_names(module, outer):
        return False
    # only where the wrapper answers preflights itself first: a route may export its OPTIONS
    # answer apart (`export const OPTIONS = preflight()`, regress9 repro next_options_factory_wrapper)
    statement = declared.parent
    while statement is not None and statement.type not in {"lexical_declaration", "variable_declaration"}:
        statement = statement.parent
    return statement is not None and _method_condition(module, statement) == "!OPTIONS"


def _return_statement(expression: Node) -> Node | None:
    """The `return` statement whose value `expression` is (through parentheses)."""
    node = expression.parent
    while node is not None and node.type == "parenthesized_expression":
        node = node.parent
    return node if node is not None and node.type == "return_statement" else None


def _spread_result(
    module: JsModule,
    call: Node,
    helper_module: JsModule,
    helper: Node,
    expression: Node,
    names: list[str],
    passed: tuple[Node, ...],
) -> ResponseSite | None:
    """A helper returning `{ headers: responseHeaders, ...result }` for a caller's `{
    statusCode, body }`: a Lambda result with the helper's headers and the caller's status
    (0SRAF0/assn-w03-seth `src/index.ts`, `withHeaders(response)`; census 6 sample 98)."""
    returned = unwrap(expression)
    if returned.type != "object":
        return None
    pairs = _pairs(helper_module, returned)
    spreads = [c for c in returned.named_children if c.type == "spread_element" and c.named_children]
    if "statusCode" in pairs or "headers" not in pairs or len(spreads) != 1:
        return None
    name = helper_module.text(unwrap(spreads[0].named_children[0]))
    if name not in names or names.index(name) >= len(passed):
        return None
    argument = unwrap(passed[names.index(name)])
    given = _pairs(module, argument) if argument.type == "object" else {}
    headers_first = pairs["headers"].start_byte < spreads[0].start_byte
    if "statusCode" not in given or ("headers" in given and headers_first):
        return None
    status = _status(module, given["statusCode"], argument)
    return ResponseSite(call, helper_module, helper, pairs["headers"], status, LAMBDA)


def _forwarded_site(
    module: JsModule,
    function: Node,
    call: Node,
    helper_module: JsModule,
    expression: Node,
    names: list[str],
    passed: tuple[Node, ...],
) -> ResponseSite | None:
    """A helper building its response with the caller's init as it is: the caller's
    `headers` and `status` (`forwarded_init`)."""
    built = unwrap(expression)
    if built.type not in {"new_expression", "call_expression"}:
        return None
    if _response(helper_module, function, built, HandlerRoles((), (), ""), {}) is None:
        return None
    init = forwarded_init(module, helper_module, built, names, passed)
    pairs = _pairs(module, init) if init is not None else {}
    if "headers" not in pairs:
        return None
    status = (
        _status(module, pairs["status"], call) if "status" in pairs else Value(200, module.location(call))
    )
    return ResponseSite(call, module, function, pairs["headers"], status, FETCH)


def _pages_next(module: JsModule, function: Node, call: Node) -> bool:
    """`context.next()` in a Cloudflare Pages Function (`onRequest(context)`, its `functions/
    _middleware` form: immisterio/Lampac `Build/cloudflare/functions/_middleware.ts`), or
    `ctx.next()` in a Deno Fresh middleware `(req, ctx) => ...` (Bzcasper/saaskit
    `middlewares/cors.ts`): the response the rest of the app builds."""
    callee = call.child_by_field_name("function")
    text = module.text(callee).replace(" ", "") if callee is not None else ""
    names = parameter_names(module, function)
    name = function.child_by_field_name("name")
    if name is None and function.parent is not None and function.parent.type == "variable_declarator":
        name = function.parent.child_by_field_name("name")  # `export const onRequest = async (context) =>`
    if name is not None and module.text(name).startswith("onRequest") and names:
        return text == f"{names[0]}.next"
    return len(names) == 2 and names[1] in _CONTEXT_NAMES and text == f"{names[1]}.next"


_CONTEXT_NAMES = frozenset({"ctx", "context"})


def _next_then(module: JsModule, function: Node, call: Node) -> tuple[str, Node] | None:
    """`context.next().then((response) => {...; return response})` in a Pages Function
    (codingc1/classpay `functions/_middleware.ts`): the callback's parameter, and its return
    of it (the header writes before that return are the response's)."""
    callee = unwrap(call.child_by_field_name("function"))
    if callee.type != "member_expression" or module.text(callee.child_by_field_name("property")) != "then":
        return None
    inner = unwrap(callee.child_by_field_name("object"))
    arguments = call_arguments(call)
    if inner.type != "call_expression" or not _pages_next(module, function, inner) or len(arguments) != 1:
        return None
    callback = unwrap(arguments[0])
    names = parameter_names(module, callback) if callback.type in FUNCTIONS else []
    body = callback.child_by_field_name("body")
    if not names or body is None or body.type != "statement_block":
        return None
    returns = [
        statement
        for statement in body.named_children
        if statement.type == "return_statement"
        and module.text(statement).replace(" ", "") == f"return{names[0]};"
    ]
    return (names[0], returns[-1]) if returns else None


def _builds_response(module: JsModule, node: Node) -> bool:
    callee = node.child_by_field_name("function")
    if callee is not None and module.text(callee).replace(" ", "") in _RESPONSE_FACTORIES:
        return True
    return builds_kit_response(module, node)  # SvelteKit's `json(data, init)`


def _response(
    module: JsModule, function: Node, node: Node, roles: HandlerRoles, aliases: dict[str, str]
) -> ResponseSite | None:
    """`new Response(body, init)`, `Response.json(data, init)` and the NextResponse forms."""
    if node.type == "new_expression":
        constructor = node.child_by_field_name("constructor")
        if constructor is None or module.text(constructor) not in _RESPONSE_CONSTRUCTORS:
            return None
    elif not (node.type == "call_expression" and _builds_response(module, node)):
        return None
    args = call_arguments(node)
    init = unwrap(args[1]) if len(args) > 1 else None
    if init is not None and init.type == "identifier":
        declared = declared_value(module, module.text(init), init)
        init = declared if declared is not None and declared.type == "object" else init
    pairs = _pairs(module, init) if init is not None and init.type == "object" else {}
    status = (
        _status(module, pairs["status"], node) if "status" in pairs else Value(200, module.location(node))
    )
    return ResponseSite(
        node, module, function, pairs.get("headers"), status, FETCH, roles=roles, aliases=aliases
    )


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
            condition = parent.child_by_field_name("condition")
            consequence = parent.child_by_field_name("consequence") == child
            if consequence and condition is not None and options_conjunct(module, condition) is not None:
                return "OPTIONS"  # `method === "OPTIONS" && onApiPath`: some OPTIONS requests
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
