"""Whether a module may answer with response objects of its own (`response_objects`): the
bytes without which no function of it returns a Lambda result or a Fetch `Response`, nor
answers through a helper a route or endpoint file is known to call.

A module the screen turns away, yet which names a CORS word (a Worker's `index.js`
returning `handleCORS()` for OPTIONS and `proxyHandler(request)` otherwise: no `Response`
in it), is read where its helpers are (`importer_policies`), as a module without any CORS
word is (held-out set 18, Unnunoctio/cf-proxy-relay `src/index.js` +
`src/middleware/cors.js`)."""

from __future__ import annotations

from corslint.extractors.express.response_entries import is_route_file
from corslint.extractors.express.sveltekit_endpoints import is_endpoint_file
from corslint.extractors.js.module import JsModule

_NEEDLES = (
    b"statusCode",
    b"Response",
    b"onRequest",  # a Pages Function returning `await context.next()`
    b"resolve(",  # a SvelteKit hook returning `await resolve(event)`
    b"respondWith(",  # a Worker's `event.respondWith(handle(event.request))`
)


def may_answer_with_responses(module: JsModule) -> bool:
    """False when no function of `module` can return a response object of its own (a route
    file may answer through a helper: `return jsonCors(data)`; SvelteKit's `json(data,
    { headers })` in an endpoint file)."""
    source = module.source
    return (
        any(needle in source for needle in _NEEDLES)
        or is_route_file(module.path)
        or is_endpoint_file(module.path)
    )
