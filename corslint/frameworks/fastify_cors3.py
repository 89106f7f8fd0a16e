"""``fastify-cors`` 3.x on fastify 2 (measured on fastify-cors 3.0.3, fastify 2.15.3; npm
aliases ``fastify-cors-3`` / ``fastify-2`` in tests/node).

The package the later @fastify/cors grew from, with a code path of its own:

- ``Object.assign(defaults, options)``: ``origin`` ``"*"``, ``methods``
  ``GET,HEAD,PUT,PATCH,POST,DELETE``, no Expose/Allow-Headers/Max-Age; no ``strictPreflight``
  (an OPTIONS request without Origin or Access-Control-Request-Method is answered as a
  preflight), no delegator, no ``cacheControl`` or ``hook``;
- ``Vary: Origin`` on every answer;
- a falsy origin option, or an origin function answering ``false``, skips CORS; OPTIONS
  requests then reach the package's own ``OPTIONS *`` route (200, no CORS headers), or
  fastify's 404 with ``preflight: false``; an error answer is fastify's 500;
- the origin (the option, or the function's answer): falsy or ``"*"`` sends ``*``; a string
  *option* is sent as written; anything else is tested against the request's Origin (a
  string answer of a function by equality, ``"*"`` inside an array as a literal entry) and
  the Origin is sent when it passes, otherwise ``false`` (on the wire ``false``; a missing
  Origin reflected is sent as an empty value). Credentials and Expose-Headers follow either
  way, and a preflight is answered even for an Origin that did not pass.
"""

from __future__ import annotations

import functools
from typing import Any

from corslint.frameworks.express import (
    UNDEFINED,
    defaults_reader,
    is_origin_allowed,
    js_string,
    truthy,
    vary_append,
)
from corslint.frameworks.framework import Options, Responder
from corslint.frameworks.origin_callbacks import callback_answer
from corslint.http import HeaderList, Request, Response
from corslint.model import CorsPolicy, FunctionValue

DEFAULTS: dict[str, Any] = {
    "origin": "*",
    "methods": "GET,HEAD,PUT,PATCH,POST,DELETE",
    "preflightContinue": False,
    "optionsSuccessStatus": 204,
    "credentials": False,
    "exposedHeaders": None,
    "allowedHeaders": None,
    "maxAge": None,
    "preflight": True,
    "hideOptionsRoute": True,
}
NOT_FOUND = 404
SERVER_ERROR = 500
OWN_OPTIONS_ROUTE = 200  # the package's `OPTIONS *` route: `reply.send()`
_SKIP = object()  # the origin function answered false: no CORS headers
_ERROR = object()  # it answered an error: fastify's 500


_plain = defaults_reader(DEFAULTS)


def _answer(options: Options, request: Request) -> Any:
    """The origin after the function (if any) answered: `_SKIP`, `_ERROR` or a value."""
    origin = options["origin"]
    if not isinstance(origin, FunctionValue):
        return origin
    answer = callback_answer(origin, options.policy.option("origin"), request.origin, is_origin_allowed)
    return {"allow": True, "refuse": _SKIP, "error": _ERROR}[answer]


def listed(value: Any) -> str:
    """Array options joined with ", " (every fastify-cors and @fastify/cors major); anything
    else is sent as ``String(value)``."""
    if isinstance(value, tuple):
        return ", ".join("" if item is None or item is UNDEFINED else js_string(item) for item in value)
    return js_string(value)


def _sent(value: Any) -> str:
    """What fastify 2 puts on the wire for a header value (`undefined` is sent empty)."""
    return "" if value is None or value is UNDEFINED else js_string(value)


def respond(policy: CorsPolicy, request: Request) -> Response:
    return _respond(Options(policy, _plain), request)


def responder(policy: CorsPolicy) -> Responder:
    return functools.partial(_respond, Options(policy, _plain))


def _respond(options: Options, request: Request) -> Response:
    headers = HeaderList()
    vary_append(headers, "Origin")
    options_request = request.method.upper() == "OPTIONS"
    preflight = options["preflight"] is True
    # without CORS headers an OPTIONS request reaches the package's own route (or none)
    skipped_status = (OWN_OPTIONS_ROUTE if preflight else NOT_FOUND) if options_request else None
    option = options["origin"]
    if not truthy(option):
        return headers.response(skipped_status)
    answer = _answer(options, request)
    if answer is _ERROR:
        return headers.response(SERVER_ERROR)
    if answer is _SKIP:
        return headers.response(skipped_status)
    if not truthy(answer) or answer == "*":
        headers.set("Access-Control-Allow-Origin", "*")
    elif isinstance(option, str):
        headers.set("Access-Control-Allow-Origin", js_string(answer))
    else:
        reflected = request.origin if is_origin_allowed(request.origin, answer) else False
        headers.set("Access-Control-Allow-Origin", _sent(reflected))
    if truthy(options["credentials"]):
        headers.set("Access-Control-Allow-Credentials", "true")
    exposed = options["exposedHeaders"]
    if exposed is not None:
        headers.set("Access-Control-Expose-Headers", listed(exposed))
    if not options_request:
        return headers.response(None)
    if not preflight:
        return headers.response(NOT_FOUND)
    headers.set("Access-Control-Allow-Methods", listed(options["methods"]))
    allowed_headers = options["allowedHeaders"]
    if allowed_headers is None:
        vary_append(headers, "Access-Control-Request-Headers")
        requested = request.header("access-control-request-headers")
        if requested is not None:
            headers.set("Access-Control-Allow-Headers", requested)
    else:
        headers.set("Access-Control-Allow-Headers", listed(allowed_headers))
    max_age = options["maxAge"]
    if max_age is not None:
        headers.set("Access-Control-Max-Age", js_string(max_age))
    if truthy(options["preflightContinue"]):
        return headers.response(OWN_OPTIONS_ROUTE)
    return headers.response(_status(options["optionsSuccessStatus"]))


def _status(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and 100 <= value <= 599:
        return value
    raise ValueError(f"fastify refuses the status code {js_string(value)}")
