"""The `tornado-cors` package: `class Handler(CorsMixin, RequestHandler)` with class
attributes `CORS_ORIGIN`, `CORS_HEADERS`, `CORS_METHODS`, `CORS_CREDENTIALS`,
`CORS_MAX_AGE` (default 86400) and `CORS_EXPOSE_HEADERS` (tornado-cors 0.6.0).

Read from `tornado_cors.CorsMixin` and measured on Tornado 5.1 in a separate environment
(tornado-cors imports `tornado.web.asynchronous`, gone since Tornado 6; tests/test_tornado_cors.py
keeps the answers). The values are sent as written, whatever the request's Origin:

- every response (a 405 too) gets Allow-Origin = `CORS_ORIGIN` when it is truthy, and
  Expose-Headers when set;
- any OPTIONS request is answered 204 by the mixin's `options`: Allow-Headers when set,
  Allow-Methods = `CORS_METHODS` or the handler's own methods (Tornado's order, OPTIONS
  last), Allow-Credentials `"true"`/`"false"` when `CORS_CREDENTIALS` is not None (on the
  preflight only, never on the actual response), Max-Age when truthy.
"""

from __future__ import annotations

from typing import Any

from corslint.frameworks.framework import Framework, OriginEntry
from corslint.http import HeaderList, Request, Response
from corslint.model import CorsPolicy

DEFAULTS: dict[str, Any] = {
    "CORS_ORIGIN": None,
    "CORS_HEADERS": None,
    "CORS_METHODS": None,
    "CORS_CREDENTIALS": None,
    "CORS_MAX_AGE": 86400,
    "CORS_EXPOSE_HEADERS": None,
}
SUPPORTED_METHODS = ("GET", "HEAD", "POST", "DELETE", "PATCH", "PUT", "OPTIONS")
# a handler whose methods are not known (a base class): taken to define these
HANDLER_METHODS = ("GET", "POST", "DELETE", "PATCH", "PUT")


def _option(policy: CorsPolicy, name: str) -> Any:
    value = policy.option(name)
    return DEFAULTS[name] if value is None else value.plain()


def _handler_methods(policy: CorsPolicy) -> tuple[str, ...]:
    if policy.routes is None:
        return HANDLER_METHODS
    return tuple({method.upper() for route in policy.routes for method in route.methods})


def respond(policy: CorsPolicy, request: Request) -> Response:
    headers = HeaderList()
    origin = _option(policy, "CORS_ORIGIN")
    if origin:
        headers.set("Access-Control-Allow-Origin", str(origin))
    expose = _option(policy, "CORS_EXPOSE_HEADERS")
    if expose:
        headers.set("Access-Control-Expose-Headers", str(expose))
    defined = _handler_methods(policy)
    if request.method != "OPTIONS":
        return headers.response(None if request.method in defined else 405)
    allow_headers = _option(policy, "CORS_HEADERS")
    if allow_headers:
        headers.set("Access-Control-Allow-Headers", str(allow_headers))
    methods = _option(policy, "CORS_METHODS")
    if not methods:
        methods = ", ".join(m for m in SUPPORTED_METHODS if m in defined or m == "OPTIONS")
    headers.set("Access-Control-Allow-Methods", str(methods))
    credentials = _option(policy, "CORS_CREDENTIALS")
    if credentials is not None:
        headers.set("Access-Control-Allow-Credentials", "true" if credentials else "false")
    max_age = _option(policy, "CORS_MAX_AGE")
    if max_age:
        headers.set("Access-Control-Max-Age", str(max_age))
    return headers.response(204)


def origin_entries(policy: CorsPolicy) -> tuple[OriginEntry, ...]:
    value = policy.option("CORS_ORIGIN")
    if value is None or (value.known and value.raw == "*"):
        return ()
    return (OriginEntry(value, "literal"),)


FRAMEWORK = Framework(
    name="tornado_cors",
    display="tornado-cors CorsMixin",
    respond=respond,
    roles={
        "origins": ("CORS_ORIGIN",),
        "credentials": ("CORS_CREDENTIALS",),
        "methods": ("CORS_METHODS",),
        "headers": ("CORS_HEADERS",),
        "expose": ("CORS_EXPOSE_HEADERS",),
        "max_age": ("CORS_MAX_AGE",),
    },
    origin_entries=origin_entries,
    unread_options="CORS_* attributes that could not be read",
)
