"""h3 event handlers that write CORS headers by hand (Nuxt / Nitro servers run on h3):
`defineEventHandler((event) => { setResponseHeader(event, ...) })` in `server/middleware`,
`server/api` or `server/routes`, and helpers handed the event (`applyCors(event: H3Event)` in
`server/utils`, auto-imported by Nuxt). Nuxt and Nitro import h3's functions for the
project (no import statement names them), so a call of one of them is h3's unless the
module imports that name from elsewhere or declares it itself.

This module only says who is who (the event's name, handler or helper) and which request
reads are h3's (`getHeader(event, 'origin')`); `h3_header_writes` reads the writes."""

from __future__ import annotations

from corslint.extractors.express.h3_v2 import SPECIFIERS_2, app_mount, writes_fetch_headers
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap, walk

H3 = "h3_headers"
HANDLER, HELPER = "handler", "helper"  # `HandlerRoles.h3`: a handler's return answers; a helper's does not

# h3 1.x (and 2.x, which keeps them as aliases of its own) helpers writing response headers
SETTERS = frozenset({"setResponseHeader", "setHeader", "setResponseHeaders", "setHeaders"})
APPENDERS = frozenset({"appendResponseHeader", "appendHeader", "appendResponseHeaders", "appendHeaders"})
WRITERS = SETTERS | APPENDERS
# 2.x adds `defineHandler` and `defineMiddleware` (`h3_v2`)
_FACTORIES = frozenset({"defineEventHandler", "eventHandler", "defineHandler", "defineMiddleware"})
# where h3's functions come from: h3 itself, or Nuxt / Nitro's auto-import virtual modules
# (and vinxi's re-export of h3 1.x, under TanStack Start / SolidStart)
_SPECIFIERS = frozenset({"#imports", "nitropack", "nitropack/runtime", "#app", "vinxi/http", "vinxi/server"})
_SPECIFIERS |= SPECIFIERS_2


def h3_event(module: JsModule, function: Node) -> tuple[str, str] | None:
    """(the event parameter's name, HANDLER or HELPER) for an h3 handler or a helper writing
    headers on its event, else None."""
    if b"Event" not in module.source and b"event" not in module.source:
        return None
    name, annotation = _first_parameter(module, function)
    if not name:
        return None
    if _handler_argument(module, function):
        return name, HANDLER
    if (name == "event" or "H3Event" in annotation) and _writes_through_h3(module, function, name):
        return name, HELPER
    return None


def is_h3_function(module: JsModule, name: str) -> bool:
    """Whether a call of `name` is h3's: imported from h3 (or Nuxt's `#imports`), or
    auto-imported (neither imported from elsewhere nor declared in the module)."""
    imported = module.imports.get(name)
    if imported is not None:
        return imported[0] in _SPECIFIERS and imported[1] == name
    return module.binding(name) is None and not any(
        node.type == "function_declaration" and module.text(node.child_by_field_name("name")) == name
        for node in module.of_kind("function_declaration")
    )


def h3_call(module: JsModule, node: Node, names: frozenset[str]) -> str | None:
    """The h3 function a call names (`setResponseHeader(event, ...)`), when it is one of
    `names` and h3's; else None."""
    if node.type != "call_expression":
        return None
    callee = unwrap(node.child_by_field_name("function"))
    if callee is None or callee.type != "identifier":
        return None
    called = module.text(callee)
    return called if called in names and is_h3_function(module, called) else None


_HEADER_READERS = frozenset({"getHeader", "getRequestHeader"})


def h3_header_read(module: JsModule, requests: tuple[str, ...], node: Node) -> str | None:
    """The request header an h3 read names, lower-cased: `getHeader(event, 'origin')`,
    `getRequestHeader(event, "Origin")`, `getRequestHeaders(event).origin`; else None."""
    node = unwrap(node)
    if node.type == "member_expression":
        holder = unwrap(node.child_by_field_name("object"))
        if h3_call(module, holder, frozenset({"getRequestHeaders", "getHeaders"})) and _event_argument(
            module, holder, requests
        ):
            return module.text(node.child_by_field_name("property")).lower()
        return None
    if h3_call(module, node, _HEADER_READERS) is None or not _event_argument(module, node, requests):
        return None
    arguments = [c for c in node.child_by_field_name("arguments").named_children if c.type != "comment"]
    if len(arguments) != 2 or unwrap(arguments[1]).type != "string":
        return None
    return module.text(unwrap(arguments[1])).strip("'\"`").lower()


def _event_argument(module: JsModule, call: Node, requests: tuple[str, ...]) -> bool:
    arguments = call.child_by_field_name("arguments")
    first = next((c for c in arguments.named_children if c.type != "comment"), None) if arguments else None
    return first is not None and module.text(unwrap(first)) in {r for r in requests if r}


def _first_parameter(module: JsModule, function: Node) -> tuple[str, str]:
    """The first parameter's name and its type annotation's text ("" where there is none)."""
    single = function.child_by_field_name("parameter")
    if single is not None:
        return (module.text(single), "") if single.type == "identifier" else ("", "")
    parameters = function.child_by_field_name("parameters")
    if parameters is None:
        return "", ""
    first = next((c for c in parameters.named_children if c.type != "comment"), None)
    if first is None:
        return "", ""
    if first.type == "identifier":
        return module.text(first), ""
    if first.type in {"required_parameter", "optional_parameter"}:
        pattern = first.child_by_field_name("pattern")
        annotation = first.child_by_field_name("type")
        if pattern is not None and pattern.type == "identifier":
            return module.text(pattern), module.text(annotation) if annotation is not None else ""
    return "", ""


def _handler_argument(module: JsModule, function: Node) -> bool:
    """`defineEventHandler(fn)`, `eventHandler(fn)`, `defineEventHandler({ handler: fn })`,
    2.x's `defineHandler(fn)`, or `fn` handed straight to a `new H3()` app (`app.use(fn)`)."""
    if app_mount(module, function) is not None:
        return True
    parent = function.parent
    if parent is not None and parent.type == "pair":
        key = parent.child_by_field_name("key")
        if key is None or module.text(key).strip("'\"") != "handler" or parent.parent is None:
            return False
        parent = parent.parent.parent  # the object's parent: the call's arguments
    if parent is None or parent.type != "arguments" or parent.parent is None:
        return False
    return h3_call(module, parent.parent, _FACTORIES) is not None


def _writes_through_h3(module: JsModule, function: Node, event: str) -> bool:
    """Whether the function calls one of h3's header writers on `event` (2.x's
    `event.res.headers.set(...)` too)."""
    body = function.child_by_field_name("body")
    if body is None:
        return False
    if writes_fetch_headers(module, body, event):
        return True
    return any(
        h3_call(module, node, WRITERS) is not None and _event_argument(module, node, (event,))
        for node in walk(body)
        if node.type == "call_expression"
    )
