"""The call a `setHeaders` function is handed to as an option: `X.f(..., { setHeaders(res)
{...} })` or `{ setHeaders: (res) => {...} }` (serve-static's hook, which @fastify/static
and NestJS's `useStaticAssets` pass on), read by fastify_instances and nest_static_assets."""

from __future__ import annotations

from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node


def set_headers_call(module: JsModule, function: Node) -> tuple[Node, Node, Node] | None:
    """(the call, its arguments, the options object) when `function` is the `setHeaders`
    entry of an object literal given directly as an argument of a call."""
    holder = function.parent
    if holder is None:
        return None
    if holder.type == "pair":
        key = holder.child_by_field_name("key")
        if key is None or module.text(key).strip("'\"") != "setHeaders":
            return None
    elif function.type == "method_definition":
        name = function.child_by_field_name("name")
        if name is None or module.text(name) != "setHeaders":
            return None
        holder = function
    else:
        return None
    options = holder.parent
    arguments = options.parent if options is not None and options.type == "object" else None
    call = arguments.parent if arguments is not None and arguments.type == "arguments" else None
    if options is None or arguments is None or call is None or call.type != "call_expression":
        return None
    return call, arguments, options
