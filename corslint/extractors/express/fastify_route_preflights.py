"""A Fastify route handler or request hook that writes CORS headers itself, on an instance
where `@fastify/cors` (or `fastify-cors`) is registered: the plugin's `OPTIONS *` route and
its onRequest hook answer every preflight, so the handler never sees one (0235-jp/Claude-
Code-Server `src/server.ts`: a hijacked streaming route writing `Access-Control-Allow-Origin`
with `reply.raw.writeHead`). Registration order does not matter: routes get the plugin's
hook when the instance is ready (measured on fastify 3 and 5,
tests/test_differential_fastify_cors_legacy.py).

A `preParsing` / `preValidation` / `preHandler` hook added on that instance
(`fastify.addHook("preHandler", ...)` beside `fastify.register(cors, ...)` in one
fastify-plugin function, britotiago03/world-explorer `api-gateway/src/plugins/cors.ts`)
runs after the plugin's onRequest hook has ended the preflight, and even an OPTIONS request
without `Access-Control-Request-Method` is ended there (400, strictPreflight): its own
OPTIONS branch never runs. It is a second layer of the plugin's instance (CORS302), keyed
as the plugin's registration is (measured with fastify 5 + @fastify/cors 11,
tests/test_differential_fastify_preflight_hook.py). `onRequest` and `onSend` hooks are not
read: the first may run before the plugin's, the second runs on its preflight answers too;
nor is a plugin registered with its own `hook` option."""

from __future__ import annotations

import re

from corslint.extractors.express.fastify_cors import cors_plugin_receivers
from corslint.extractors.express.fastify_instances import instance_key
from corslint.extractors.js.method_calls import call_arguments, method_calls
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, string_value, unwrap
from corslint.model import Location

_ROUTE_VERBS = frozenset({"get", "post", "put", "patch", "delete", "head", "all", "route"})
_AFTER_PREFLIGHTS = frozenset({"preParsing", "preValidation", "preHandler"})
_HOOK_OPTION = re.compile(r"\bhook\s*:")


def plugin_answering_preflights(module: JsModule, function: Node) -> Location | None:
    """Where the CORS plugin is registered on the instance whose route `function` handles
    (`app.post(path, [options,] function)`, `app.route({ ..., handler: function })`), or
    on which `function` is a request hook run after the plugin's."""
    receiver = _route_receiver(module, function)
    if receiver is None:
        hooked = _hook_call(module, function)
        receiver = hooked[1] if hooked is not None else None
    if receiver is None:
        return None
    return cors_plugin_receivers(module).get(receiver)


def preflight_hook_app(module: JsModule, function: Node) -> str | None:
    """The app key of the instance `function` is a request hook of, when the CORS plugin
    is registered on that instance in this module: the key its policy carries."""
    hooked = _hook_call(module, function)
    if hooked is None or hooked[1] not in cors_plugin_receivers(module):
        return None
    call, receiver = hooked
    return instance_key(module, call, receiver) or f"{module.path}::{receiver}"


def _hook_call(module: JsModule, function: Node) -> tuple[Node, str] | None:
    """`X.addHook("preHandler", function)`: the call and X, where the CORS plugin X has is
    registered without its own `hook` option."""
    node = function.parent
    if node is None or node.type != "arguments" or node.parent is None:
        return None
    call = node.parent
    callee = unwrap(call.child_by_field_name("function"))
    arguments = list(call_arguments(call))
    if (
        callee is None
        or callee.type != "member_expression"
        or module.text(callee.child_by_field_name("property")) != "addHook"
        or len(arguments) != 2
        or arguments[1].start_byte != function.start_byte
        or string_value(arguments[0]) not in _AFTER_PREFLIGHTS
    ):
        return None
    receiver = module.text(unwrap(callee.child_by_field_name("object")))
    where = cors_plugin_receivers(module).get(receiver)
    for registration in method_calls(module, "register"):
        if module.location(registration.call) == where and _HOOK_OPTION.search(
            module.text(registration.call)
        ):
            return None  # `hook: "preHandler"`: the plugin answers where it is told to
    return call, receiver


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
