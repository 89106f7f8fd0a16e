"""Who is who in a function that writes CORS headers: which parameter is the request, the
response and `next`, and which server runs it (Express, Node's http, Koa, Fastify), since
that decides what answers an ``OPTIONS`` request the function leaves unanswered."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from corslint.extractors.express.fetch_responses import writes_fetch_headers_only
from corslint.extractors.express.h3_handlers import H3, h3_event
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap

EXPRESS, NODE, KOA, FASTIFY = "express_headers", "node_headers", "koa_headers", "fastify_headers"
HONO = "hono_headers"
OAK = "oak_headers"
# restify: 2.x-4.x's router answers a preflight to an existing route itself (docs/semantics)
RESTIFY = "restify_headers"
# an Express function no app mounts and that hands nothing on with `next`: its callers
# decide what an OPTIONS request gets
EXPRESS_HELPER = "express_helper_headers"
# the same for a Next.js API route or route handler's helper (`applyCors(req, res)`),
# named for the framework that runs it (`named_for_next`)
NEXT_HELPER = "nextjs_helper_headers"
_NEXT_SPECIFIERS = frozenset({"next", "next/server"})

_REQUEST_NAMES = frozenset({"req", "request", "_req", "_request"})
_RESPONSE_NAMES = frozenset({"res", "response", "reply", "_res", "_response", "resp"})
_KOA_CONTEXT_NAMES = frozenset({"ctx", "context"})
_NODE_SERVER_CALLS = frozenset({"createServer", "createSecureServer"})
_PACKAGES = {
    "express": EXPRESS,
    "router": EXPRESS,
    "koa": KOA,
    "@koa/router": KOA,
    "koa-router": KOA,
    "fastify": FASTIFY,
    "fastify-plugin": FASTIFY,
    "hono": HONO,
}
# response methods only Express adds to Node's ServerResponse
EXPRESS_ONLY_WRITERS = frozenset({"header", "set", "append", "vary", "sendStatus"})


@dataclass(frozen=True)
class Parameter:
    """One formal parameter: the name it binds (None for a pattern), the destructured
    properties (`{ req, res: out }` -> {"req": "req", "res": "out"}), and its default."""

    name: str | None
    properties: dict[str, str]
    default: Node | None


@dataclass(frozen=True)
class HandlerRoles:
    """The names a handler reads the request through and writes the response through."""

    requests: tuple[str, ...]  # expressions that are the request: "req", or "ctx", "ctx.request"
    responses: tuple[str, ...]  # receivers of header writes: "res", or "ctx", "ctx.response"
    next_name: str  # the `next` callback, "" when there is none
    koa: bool = False
    # Deno's Oak: Koa's `(ctx, next)`, but headers go through `ctx.response.headers.set`, and
    # what a middleware writes after `await next()` is written over what the rest set
    oak: bool = False
    hono: bool = False  # `(c, next) => ...`: `c.req` is the request, `c.header(...)` writes
    nest_interceptor: bool = False  # runs for routed requests only, never for an unrouted OPTIONS
    h3: str = ""  # an h3 event handler ("handler") or a helper handed the event ("helper")


def parameters(module: JsModule, function: Node) -> list[Parameter]:
    node = function.child_by_field_name("parameters")
    if node is None:
        single = function.child_by_field_name("parameter")
        return [Parameter(module.text(single), {}, None)] if single is not None else []
    found = []
    for parameter in node.named_children:
        if parameter.type == "comment":
            continue
        default = None
        target = parameter
        if parameter.type in {"required_parameter", "optional_parameter"}:
            default = parameter.child_by_field_name("value")
            target = parameter.child_by_field_name("pattern") or parameter
        if target.type == "assignment_pattern":
            default = target.child_by_field_name("right")
            target = target.child_by_field_name("left") or target
        if target.type == "object_pattern":
            found.append(Parameter(None, _destructured(module, target), default))
        elif target.type == "identifier":
            found.append(Parameter(module.text(target), {}, default))
        else:
            found.append(Parameter(None, {}, default))
    return found


def _destructured(module: JsModule, pattern: Node) -> dict[str, str]:
    names = {}
    for child in pattern.named_children:
        if child.type == "shorthand_property_identifier_pattern":
            names[module.text(child)] = module.text(child)
        elif child.type == "pair_pattern":
            key, value = child.child_by_field_name("key"), child.child_by_field_name("value")
            if key is not None and value is not None and value.type == "identifier":
                names[module.text(key)] = module.text(value)
    return names


def handler_roles(module: JsModule, function: Node) -> HandlerRoles | None:
    """The request / response roles of a function that may write CORS headers, or None
    when it is no request handler (`(origin, callback) => ...`, `(a, b) => a - b`)."""
    found = parameters(module, function)
    if not found:
        return None
    if (event := h3_event(module, function)) is not None:  # `defineEventHandler((event) => ...)`
        name, role = event
        # `event.req` / `event.res`: h3 2.x's Fetch request and prepared response (`h3_v2`)
        requests, responses = (name, f"{name}.node.req", f"{name}.req"), (f"{name}.node.res", f"{name}.res")
        return HandlerRoles(requests, responses, "", h3=role)
    first = found[0]
    if first.name is None and first.properties:  # ({ req, res }) => ...: a context function
        request = next((v for k, v in first.properties.items() if k in {"req", "request"}), "")
        response = next((v for k, v in first.properties.items() if k in {"res", "response"}), "")
        if "ctx" in first.properties and not response:  # ({ ctx }) => ...
            return _koa(first.properties["ctx"], "")
        return HandlerRoles((request,), (response,), "") if response else None
    names = [p.name or "" for p in found]
    unpacked = _unpacked_context(module, function, names[0])
    if unpacked is not None:
        return unpacked
    interceptor = nest_interceptor_roles(module, function)
    if interceptor is not None:
        return interceptor
    if names[0] == "c" and len(names) <= 2 and _imports_hono(module):
        return HandlerRoles(("c.req",), ("c",), names[1] if len(names) == 2 else "", hono=True)
    if names[0] in _KOA_CONTEXT_NAMES and len(names) <= 2:
        roles = _koa(names[0], names[1] if len(names) == 2 else "")
        local = _unpacked_request(module, function, names[0])
        if local:  # `const { request } = ctx; request.header.origin`
            roles = dataclasses.replace(roles, requests=(*roles.requests, *local))
        return dataclasses.replace(roles, oak=True) if imports_oak(module) else roles
    if names[0] in _RESPONSE_NAMES:
        # `(res) => ...`, `function withCors(res, origin = "*")`: a helper handed the response
        if writes_fetch_headers_only(module, function, names[0]):
            return None  # `response.headers.set(...)`: a Fetch Response, read elsewhere
        return HandlerRoles(("",), (names[0],), "")
    if len(names) == 1:
        return None
    late = _late_response(module, function, names)
    if late is not None:
        return late
    request, response = names[0], names[1]
    named_as_handler = request in _REQUEST_NAMES or response in _RESPONSE_NAMES
    if not (request and response and named_as_handler) and not _writes_through(module, function, response):
        return None  # `(a, b) => ...` that writes no header through `b`
    return HandlerRoles((request,), (response,), names[2] if len(names) > 2 else "")


def _unpacked_context(module: JsModule, function: Node, first: str) -> HandlerRoles | None:
    """`ctx => { const { req, res } = ctx; res.setHeader(...) }`: a home-made context of
    Node's own request and response (elisherer/fstp src/modules/cors.js), not Koa's."""
    body = function.child_by_field_name("body")
    if not first or body is None or body.type != "statement_block":
        return None
    for statement in body.named_children:
        if statement.type not in {"lexical_declaration", "variable_declaration"}:
            continue
        for declarator in statement.named_children:
            pattern, value = declarator.child_by_field_name("name"), declarator.child_by_field_name("value")
            if pattern is None or value is None or pattern.type != "object_pattern":
                continue
            if module.text(unwrap(value)) != first:
                continue
            properties = _destructured(module, pattern)
            # (`{ request, response }` from a Koa context are Koa's objects, not Node's)
            response = properties.get("res", "")
            request = properties.get("req", "")
            if response and _writes_through(module, function, response):
                return HandlerRoles((request,), (response,), "")
    return None


_NEXT_NAMES = frozenset({"next", "_next", "done", "cb", "callback"})
_ERROR_NAMES = frozenset({"err", "error", "e", "_err", "_error"})


def _late_response(module: JsModule, function: Node, names: list[str]) -> HandlerRoles | None:
    """A helper handed the response after other arguments and writing headers on it:
    `serveStaticFile(filePath, file, request, response)` (Unitech/pm2 lib/API/Serve.js).
    Express error handlers `(err, req, res, next)` and anything passing on are left alone."""
    if names[0] in _ERROR_NAMES or names[0] in _REQUEST_NAMES or names[0] in _KOA_CONTEXT_NAMES:
        return None
    for index in range(2, len(names)):
        name = names[index]
        if name not in _RESPONSE_NAMES:
            continue
        if any(later in _NEXT_NAMES for later in names[index + 1 :]):
            return None
        if not _writes_through(module, function, name):
            return None
        request = next((n for n in names[:index] if n in _REQUEST_NAMES), "")
        return HandlerRoles((request,), (name,), "")
    return None


def nest_interceptor_roles(module: JsModule, function: Node) -> HandlerRoles | None:
    """A NestJS interceptor or guard, `intercept(context, next)`, that takes the response
    from `context.switchToHttp().getResponse()`: it runs before a matched route's handler,
    never for an `OPTIONS` request no route handles."""
    if function.type != "method_definition" or b"switchToHttp" not in module.source:
        return None
    requests: list[str] = []
    responses: list[str] = []
    for declarator in module.of_kind("variable_declarator"):
        if not (function.start_byte <= declarator.start_byte < function.end_byte):
            continue
        name, value = declarator.child_by_field_name("name"), declarator.child_by_field_name("value")
        if name is None or value is None or name.type != "identifier":
            continue
        text = module.text(value).replace(" ", "").replace("\n", "")
        if ".switchToHttp()." not in text:
            continue
        if text.split(".switchToHttp().", 1)[1].startswith("getResponse"):
            responses.append(module.text(name))
        elif text.split(".switchToHttp().", 1)[1].startswith("getRequest"):
            requests.append(module.text(name))
    responses += [f"{request}.res" for request in requests]  # `req.res.header(...)`
    if not responses:
        return None
    return HandlerRoles(tuple(requests) or ("",), tuple(responses), "", nest_interceptor=True)


def imports_oak(module: JsModule) -> bool:
    """Whether the module imports Oak (`@oak/oak`, `jsr:@oak/oak@17`, deno.land/x/oak, or an
    import-map name `oak`)."""
    return any("oak" in re.split(r"[/@:]", specifier) for specifier, _ in module.imports.values())


def _imports_hono(module: JsModule) -> bool:
    return any(
        specifier == "hono" or specifier.startswith("hono/") for specifier, _ in module.imports.values()
    )


def _unpacked_request(module: JsModule, function: Node, context: str) -> tuple[str, ...]:
    """Locals a Koa handler binds to its request: `const { request } = ctx` (egg's
    `app/middleware` files, ChrisChenSZ/egg-demo `app/middleware/cors.js`), `const { req:
    incoming } = ctx`, `const request = ctx.request`."""
    body = function.child_by_field_name("body")
    if body is None or body.type != "statement_block":
        return ()
    found: list[str] = []
    for statement in body.named_children:
        if statement.type != "lexical_declaration":
            continue
        for declarator in statement.named_children:
            name, value = declarator.child_by_field_name("name"), declarator.child_by_field_name("value")
            if name is None or value is None:
                continue
            value_text = module.text(unwrap(value)).replace(" ", "")
            if name.type == "identifier" and value_text in {f"{context}.request", f"{context}.req"}:
                found.append(module.text(name))
            elif name.type == "object_pattern" and value_text == context:
                found += [
                    local for key, local in _destructured(module, name).items() if key in {"request", "req"}
                ]
    return tuple(found)


def _koa(context: str, next_name: str) -> HandlerRoles:
    return HandlerRoles(
        # `ctx.req` is Node's own request (SAEON/somisana reads `ctx.req.headers`)
        (context, f"{context}.request", f"{context}.req"),
        (context, f"{context}.response"),
        next_name,
        koa=True,
    )


def _writes_through(module: JsModule, function: Node, response: str) -> bool:
    """Whether the function calls a header writer on `response` (`out.setHeader(...)`)."""
    if not response:
        return False
    prefix = f"{response}."
    for node in module.of_kind("call_expression"):
        if not (function.start_byte <= node.start_byte and node.end_byte <= function.end_byte):
            continue
        callee = module.text(node.child_by_field_name("function")).replace(" ", "")
        if callee.startswith(prefix) and callee.rsplit(".", 1)[-1] in {
            "setHeader",
            "writeHead",
            "header",
            "set",
            "headers",
        }:
            return True
    return False


def server_kind(module: JsModule, function: Node, roles: HandlerRoles, mounted_by_express: bool) -> str:
    """Which server answers what the function leaves unanswered (a framework name)."""
    if roles.h3:
        return H3
    if roles.oak:
        return OAK
    if roles.koa:
        return KOA
    if roles.hono:
        return HONO
    if is_server_handler(module, function):
        return NODE
    if roles.nest_interceptor:
        project = module.project
        dependencies = project.dependencies(module) if project is not None else frozenset()
        return FASTIFY if "@nestjs/platform-fastify" in dependencies else EXPRESS_HELPER
    imported = _imported_framework(module)
    if imported == FASTIFY or (roles.responses[0] == "reply" and imported != EXPRESS):
        return FASTIFY
    if _is_restify(module, imported):
        return RESTIFY
    if mounted_by_express:
        return EXPRESS
    if imported == KOA:
        return KOA
    if imported == EXPRESS or _uses_express_writers(module, function, roles):
        return EXPRESS if roles.next_name and _calls(module, function, roles.next_name) else EXPRESS_HELPER
    if _serves_with_node_http(module):
        return NODE  # pm2's `Serve.js` beside an Express dashboard elsewhere in the package
    project = module.project
    dependencies = project.dependencies(module) if project is not None else frozenset()
    if "express" in dependencies:
        return EXPRESS if roles.next_name and _calls(module, function, roles.next_name) else EXPRESS_HELPER
    return NODE


_NODE_HTTP = frozenset({"http", "https", "http2", "node:http", "node:https", "node:http2"})


def _serves_with_node_http(module: JsModule) -> bool:
    """Whether the module imports Node's http and starts its own server with it."""
    if not any(specifier in _NODE_HTTP for specifier, _ in module.imports.values()):
        return False
    return any(
        module.text(node.child_by_field_name("function")).rsplit(".", 1)[-1] in _NODE_SERVER_CALLS
        for node in module.of_kind("call_expression")
    )


def is_server_handler(module: JsModule, function: Node) -> bool:
    """A Node server's request handler: `http.createServer((req, res) => ...)`,
    `server.on("request", handler)`."""
    node = function
    parent = node.parent
    if parent is not None and parent.type == "variable_declarator":
        name = module.text(parent.child_by_field_name("name"))
        uses = [r.parent for r in module.references(name) if r.parent is not None]
        return any(use.type == "arguments" and _node_server_call(module, use.parent) for use in uses)
    if function.type == "function_declaration":
        name_node = function.child_by_field_name("name")
        name = module.text(name_node) if name_node is not None else ""
        uses = [r.parent for r in module.references(name) if r.parent is not None] if name else []
        return any(use.type == "arguments" and _node_server_call(module, use.parent) for use in uses)
    return parent is not None and parent.type == "arguments" and _node_server_call(module, parent.parent)


def server_key(module: JsModule, function: Node) -> str:
    """Which Node server a request handler belongs to: the name `server.on("request", ...)`
    is called on or a `createServer(...)` result is bound to, else the `createServer` call's
    own line. Handlers of different servers are separate applications, not two layers."""
    uses: list[Node] = []
    parent = function.parent
    name = ""
    if parent is not None and parent.type == "variable_declarator":
        name = module.text(parent.child_by_field_name("name"))
    elif function.type == "function_declaration" and function.child_by_field_name("name") is not None:
        name = module.text(function.child_by_field_name("name"))
    if name:
        uses = [
            r.parent for r in module.references(name) if r.parent is not None and r.parent.type == "arguments"
        ]
    elif parent is not None and parent.type == "arguments":
        uses = [parent]
    for use in uses:
        call = use.parent
        if not _node_server_call(module, call):
            continue
        callee = unwrap(call.child_by_field_name("function"))
        if callee.type == "member_expression" and module.text(callee.child_by_field_name("property")) == "on":
            return module.text(callee.child_by_field_name("object"))
        holder = call.parent
        while holder is not None and holder.type in {"await_expression", "parenthesized_expression"}:
            holder = holder.parent
        if holder is not None and holder.type == "variable_declarator":
            return module.text(holder.child_by_field_name("name"))
        return f"createServer@{module.location(call).line}"
    return ""


def _node_server_call(module: JsModule, call: Node | None) -> bool:
    if call is None or call.type != "call_expression":
        return False
    callee = unwrap(call.child_by_field_name("function"))
    text = module.text(callee).replace(" ", "")
    if text.rsplit(".", 1)[-1] in _NODE_SERVER_CALLS:
        return True
    arguments = call.child_by_field_name("arguments")
    first = arguments.named_children[0] if arguments is not None and arguments.named_children else None
    return text.endswith(".on") and first is not None and module.text(first).strip("'\"`") == "request"


def _is_restify(module: JsModule, imported: str) -> bool:
    """A restify server's middleware or handler: the module requires restify (and no other
    server), or the project depends on restify and not on Express (BukGet/api `v3.js`)."""
    if imported:
        return False
    if any(specifier == "restify" for specifier, _ in module.imports.values()):
        return True
    project = module.project
    dependencies = project.dependencies(module) if project is not None else frozenset()
    return "restify" in dependencies and "express" not in dependencies


def _imported_framework(module: JsModule) -> str:
    found = {_PACKAGES[specifier] for specifier, _ in module.imports.values() if specifier in _PACKAGES}
    for framework in (EXPRESS, KOA, FASTIFY):
        if framework in found:
            return framework
    return ""


def _uses_express_writers(module: JsModule, function: Node, roles: HandlerRoles) -> bool:
    prefixes = tuple(f"{response}." for response in roles.responses if response)
    for node in module.of_kind("call_expression"):
        if not (function.start_byte <= node.start_byte and node.end_byte <= function.end_byte):
            continue
        callee = module.text(node.child_by_field_name("function")).replace(" ", "")
        if callee.startswith(prefixes) and callee.rsplit(".", 1)[-1] in EXPRESS_ONLY_WRITERS:
            return True
    return False


def hands_on(module: JsModule, function: Node, roles: HandlerRoles) -> bool:
    """Whether the handler passes requests on with `next()` (a middleware, not an endpoint)."""
    return bool(roles.next_name) and _calls(module, function, roles.next_name)


def _calls(module: JsModule, function: Node, name: str) -> bool:
    return any(
        function.start_byte <= node.start_byte
        and node.end_byte <= function.end_byte
        and module.text(node.child_by_field_name("function")) == name
        for node in module.of_kind("call_expression")
    )


def named_for_next(module: JsModule, kind: str) -> str:
    """The framework name of a helper's or handler's policy in a module that imports Next.js
    (`import type { NextApiRequest } from "next"`), where `server_kind` found no other
    framework: the same behaviour as `kind`, named for Next.js in messages."""
    if kind not in {EXPRESS_HELPER, NODE} or _imported_framework(module):
        return kind
    if any(specifier in _NEXT_SPECIFIERS for specifier, _ in module.imports.values()):
        return NEXT_HELPER
    return kind
