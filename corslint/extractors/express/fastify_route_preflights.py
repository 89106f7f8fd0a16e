"""A Fastify route handler that writes CORS headers itself, on an instance where
`@fastify/cors` (or `fastify-cors`) is registered: the plugin's `OPTIONS *` route and its
onRequest hook answer every preflight, so the handler never sees one (0235-jp/Claude-Code-
Server `src/server.ts`: a hijacked streaming route writing `Access-Control-Allow-Origin`
with `reply.raw.writeHead`). Registration order does not matter: routes get the plugin's
hook when the instance is ready (measured on fastify 3 and 5,
tests/test_differential_fastify_cors_legacy.py)."""

from __future__ import annotations

from corslint.extractors.express.fastify_cors import cors_plugin_receivers
from corslint.extractors.js.method_calls import call_arguments
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap
from corslint.model import Location

_ROUTE_VERBS = frozenset({"get", "post", "put", "patch", "delete", "head", "all", "route"})


def plugin_answering_preflights(module: JsModule, function: Node) -> Location | None:
    """Where the CORS plugin is registered on the instance whose route `function` handles
    (`app.post(path, [options,] function)`, `app.route({ ..., handler: function })`)."""
    receiver = _route_receiver(module, function)
    if receiver is None:
        return None
    return cors_plugin_receivers(module).get(receiver)


def _route_receiver(module: JsModule, function: Node) -> str | None:
    node = function.parent
    if node is not None and node.type == "pair":  # `route({ method, url, handler })`
        key = node.child_by_field_name("key")
        if key is None or module.text(key) != "handler" or node.parent is None:
            return None
        node = node.parent.parent  # the object, then the arguments
    if node is None or node.type != "arguments" or node.parent is None:
        return None
    call = node.parent
    callee = unwrap(call.child_by_field_name("function"))
    if callee is None or callee.type != "member_expression":
        return None
    verb = module.text(callee.child_by_field_name("property"))
    if verb not in _ROUTE_VERBS or not list(call_arguments(call)):
        return None
    return module.text(unwrap(callee.child_by_field_name("object")))
