"""Koa + ``koa2-cors`` (measured on koa2-cors 2.0.6, koa 3.3.0).

A different package from ``@koa/cors`` with the same option names and other defaults;
the model follows its code path:

- every request gets ``Vary: Origin``;
- ``origin`` is ``options.origin || ctx.get("Origin") || "*"`` unless it is a function:
  without the option **every Origin is reflected** (credentials or not), and a request
  without Origin gets ``*``. A string is a fixed Allow-Origin, an array one header line
  per entry, a RegExp its source text, ``true`` the text ``true``. A function
  ``(ctx) => value`` chooses per request; a falsy answer skips CORS (the app answers);
- Allow-Origin is set on every request it handles, an ``OPTIONS`` without
  Access-Control-Request-Method included (which then goes on to the app);
- a preflight is answered 204: Max-Age when ``maxAge`` is truthy, Allow-Credentials when
  ``credentials === true`` (even beside ``*``), ``allowMethods.join(",")`` (default
  ``GET,PUT,POST,PATCH,DELETE,HEAD,OPTIONS``), ``allowHeaders.join(",")`` or else the
  requested headers (an empty header when none were requested);
- other requests get Allow-Credentials when ``credentials === true`` and the origin is not
  ``*``, and ``exposeHeaders.join(",")``;
- ``allowMethods``, ``allowHeaders`` and ``exposeHeaders`` must be arrays: any other
  truthy value makes ``.join`` throw, and Koa answers 500 without any of the headers.
"""

from __future__ import annotations

import functools
from typing import Any

from corslint.frameworks.express import defaults_reader, js_string, literal_origin_entries, truthy
from corslint.frameworks.framework import Framework, LibraryCheck, Options, Responder
from corslint.frameworks.js_option_roles import js_option_roles
from corslint.frameworks.koa_cors import chosen_origin, header_lines, origin_text_checks
from corslint.http import HeaderList, Request, Response
from corslint.model import CorsPolicy, FunctionValue

DEFAULTS: dict[str, Any] = {
    "allowMethods": ("GET", "PUT", "POST", "PATCH", "DELETE", "HEAD", "OPTIONS"),
}
OPTION_NAMES = frozenset({"origin", "allowMethods", "allowHeaders", "exposeHeaders", "credentials", "maxAge"})
PREFLIGHT_STATUS = 204
ERROR_STATUS = 500  # Koa's answer to a middleware that throws: its headers are cleared


class _JoinFailed(Exception):
    """`option.join(",")` on a value that is not an array throws a TypeError."""


_plain = defaults_reader(DEFAULTS)


def _joined(value: Any) -> str:
    if not isinstance(value, tuple):
        raise _JoinFailed
    return js_string(value)


def respond(policy: CorsPolicy, request: Request) -> Response:
    return _respond(Options(policy, _plain), request)


def responder(policy: CorsPolicy) -> Responder:
    return functools.partial(_respond, Options(policy, _plain))


def _respond(options: Options, request: Request) -> Response:
    try:
        return _answer(options, request)
    except _JoinFailed:
        return Response(ERROR_STATUS)


def _answer(options: Options, request: Request) -> Response:
    headers = HeaderList()
    headers.set("Vary", "Origin")
    configured = options["origin"]
    if isinstance(configured, FunctionValue):
        origin = chosen_origin(options, request)
        if not truthy(origin):
            return headers.response(None)
    else:
        origin = configured if truthy(configured) else (request.origin or "*")

    def put(name: str, sent: Any) -> None:
        headers.remove(name)
        for line in header_lines(sent):
            headers.add(name, line)

    put("Access-Control-Allow-Origin", origin)
    credentials = options["credentials"] is True
    if request.method.upper() == "OPTIONS":
        if not request.header("access-control-request-method"):
            return headers.response(None)  # not a preflight: the app answers it
        max_age = options["maxAge"]
        if truthy(max_age):
            put("Access-Control-Max-Age", js_string(max_age))
        if credentials:
            put("Access-Control-Allow-Credentials", "true")
        if truthy(options["allowMethods"]):
            put("Access-Control-Allow-Methods", _joined(options["allowMethods"]))
        if truthy(options["allowHeaders"]):
            put("Access-Control-Allow-Headers", _joined(options["allowHeaders"]))
        else:
            put("Access-Control-Allow-Headers", request.header("access-control-request-headers") or "")
        return headers.response(PREFLIGHT_STATUS)
    if credentials and origin != "*":
        put("Access-Control-Allow-Credentials", "true")
    if truthy(options["exposeHeaders"]):
        put("Access-Control-Expose-Headers", _joined(options["exposeHeaders"]))
    return headers.response(None)


def library_checks(policy: CorsPolicy) -> tuple[LibraryCheck, ...]:
    """An array, a RegExp or `true` origin is sent as text, as @koa/cors sends it."""
    return origin_text_checks(policy, "koa2-cors")


FRAMEWORK = Framework(
    name="koa2_cors",
    display="Koa koa2-cors",
    respond=respond,
    roles=js_option_roles(methods="allowMethods", headers="allowHeaders", expose="exposeHeaders"),
    origin_entries=literal_origin_entries,
    library_checks=library_checks,
    comment_prefix="//",
    unread_options="the options object passed to koa2-cors",
    responder=responder,
)
