"""An `Access-Control-Allow-Origin` that names the server's own origin: a Worker or other
Fetch handler re-wrapping its answer with `response.headers.set("Access-Control-Allow-Origin",
url.origin)` where `url = new URL(request.url)` (heldout 4, SunYufei/workers-dav
`src/index.ts:33`).

`request.url` is the URL the browser asked for, so its origin is the handler's own. A
cross-origin page's Origin never equals it, so for every request CORS governs the header
allows nothing, exactly as if it were not written; a same-origin page needs no CORS at all.
The write is therefore no CORS step: it is neither the request's Origin reflected nor a
value corslint could not know. Only the one-argument `new URL(x.url)` of a Fetch request is
read so: Node's `req.url` is a bare path, and `new URL(req.url, base)` takes `base`'s origin."""

from __future__ import annotations

from corslint.extractors.js.method_calls import call_arguments
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap


def is_own_origin(module: JsModule, requests: tuple[str, ...], node: Node) -> bool:
    """Whether `node` is `new URL(request.url).origin`, directly or through a name bound
    once to `new URL(request.url)`, for a request among `requests`."""
    node = unwrap(node)
    if node.type != "member_expression" or module.text(node.child_by_field_name("property")) != "origin":
        return False
    holder = unwrap(node.child_by_field_name("object"))
    if holder is not None and holder.type == "identifier":
        bound = module.binding(module.text(holder))
        holder = unwrap(bound) if bound is not None else None
    return holder is not None and _url_of_request(module, requests, holder)


def _url_of_request(module: JsModule, requests: tuple[str, ...], node: Node) -> bool:
    if node.type != "new_expression":
        return False
    constructor = node.child_by_field_name("constructor")
    if constructor is None or module.text(constructor) != "URL":
        return False
    arguments = call_arguments(node)
    if len(arguments) != 1:
        return False
    text = module.text(unwrap(arguments[0])).replace(" ", "")
    return any(request and text == f"{request}.url" for request in requests)
