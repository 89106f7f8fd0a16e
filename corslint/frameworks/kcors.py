"""Koa + ``kcors`` (measured on kcors 2.2.2, koa 3.3.0), the package later renamed
``@koa/cors``, whose defaults differ from the ``@koa/cors`` 5 that replaced it:

- every request gets ``Vary: Origin``; a request **without Origin** gets nothing else;
- ``origin`` is ``options.origin || ctx.get("Origin")`` unless it is a function: without
  the option **every Origin is reflected**, with credentials too when ``credentials`` is
  truthy (``!!credentials``). A string is a fixed Allow-Origin, an array one header line
  per entry, a RegExp its source text, ``true`` the text ``true``. A function
  ``(ctx) => value`` chooses per request; a falsy answer skips CORS;
- array options are joined with "," once; ``allowMethods`` defaults to
  ``GET,HEAD,PUT,POST,DELETE,PATCH``;
- an ``OPTIONS`` request without Access-Control-Request-Method goes on to the app with no
  Allow-Origin; a preflight is answered 204: Allow-Origin, Allow-Credentials, Max-Age
  (when ``maxAge`` is truthy), Allow-Methods (when truthy), Allow-Headers from the option
  or else the requested headers (none when none were requested); Expose-Headers is sent
  on other requests only.

Midway 3's ``@midwayjs/cross-domain`` (measured on 3.20.24) answers the same way over the
app's ``cors`` config merged on its defaults, except that array options go to ``ctx.set``
as they are (one header line per entry): the framework ``midway_cross_domain`` here.
"""

from __future__ import annotations

import functools
from typing import Any

from corslint.frameworks.express import defaults_reader, js_string, literal_origin_entries, truthy
from corslint.frameworks.express import joined as comma_joined
from corslint.frameworks.framework import Framework, LibraryCheck, Options, Responder
from corslint.frameworks.js_option_roles import js_option_roles
from corslint.frameworks.koa_cors import chosen_origin, header_lines, origin_text_checks
from corslint.http import HeaderList, Request, Response
from corslint.model import CorsPolicy, FunctionValue

DEFAULTS: dict[str, Any] = {"allowMethods": "GET,HEAD,PUT,POST,DELETE,PATCH"}
OPTION_NAMES = frozenset(
    {"origin", "allowMethods", "allowHeaders", "exposeHeaders", "credentials", "maxAge", "keepHeadersOnError"}
)
PREFLIGHT_STATUS = 204


_plain = defaults_reader(DEFAULTS)


def respond(policy: CorsPolicy, request: Request) -> Response:
    return _respond(Options(policy, _plain), request)


def responder(policy: CorsPolicy) -> Responder:
    return functools.partial(_respond, Options(policy, _plain))


def _midway_respond(policy: CorsPolicy, request: Request) -> Response:
    return _respond(Options(policy, _plain), request, joined=False)


def _midway_responder(policy: CorsPolicy) -> Responder:
    return functools.partial(_respond, Options(policy, _plain), joined=False)


def _respond(options: Options, request: Request, *, joined: bool = True) -> Response:
    join = comma_joined if joined else _as_set
    headers = HeaderList()
    headers.set("Vary", "Origin")
    if not request.origin:
        return headers.response(None)
    configured = options["origin"]
    if isinstance(configured, FunctionValue):
        origin = chosen_origin(options, request)
        if not truthy(origin):
            return headers.response(None)
    else:
        origin = configured if truthy(configured) else request.origin

    def put(name: str, sent: Any) -> None:
        headers.remove(name)
        for line in header_lines(sent):
            headers.add(name, line)

    credentials = truthy(options["credentials"])
    if request.method.upper() != "OPTIONS":
        put("Access-Control-Allow-Origin", origin)
        if credentials:
            put("Access-Control-Allow-Credentials", "true")
        exposed = join(options["exposeHeaders"])
        if truthy(exposed):
            put("Access-Control-Expose-Headers", exposed)
        return headers.response(None)
    if not request.header("access-control-request-method"):
        return headers.response(None)  # not a preflight: the app answers it
    put("Access-Control-Allow-Origin", origin)
    if credentials:
        put("Access-Control-Allow-Credentials", "true")
    if truthy(options["maxAge"]):
        put("Access-Control-Max-Age", js_string(options["maxAge"]))
    methods = join(options["allowMethods"])
    if truthy(methods):
        put("Access-Control-Allow-Methods", methods)
    allow_headers = join(options["allowHeaders"])
    if not truthy(allow_headers):
        allow_headers = request.header("access-control-request-headers") or ""
    if truthy(allow_headers):
        put("Access-Control-Allow-Headers", allow_headers)
    return headers.response(PREFLIGHT_STATUS)


def _as_set(value: Any) -> Any:
    """@midwayjs/cross-domain hands an array to `ctx.set`: one header line per entry."""
    return value


def library_checks(policy: CorsPolicy) -> tuple[LibraryCheck, ...]:
    """An array, a RegExp or `true` origin is sent as text, as @koa/cors sends it."""
    return origin_text_checks(policy, "kcors")


FRAMEWORK = Framework(
    name="kcors",
    display="Koa kcors",
    respond=respond,
    roles=js_option_roles(methods="allowMethods", headers="allowHeaders", expose="exposeHeaders"),
    origin_entries=literal_origin_entries,
    library_checks=library_checks,
    comment_prefix="//",
    unread_options="the options object passed to kcors",
    responder=responder,
)

# @midwayjs/cross-domain 3 (dist/middleware/cors.js, measured on 3.20.24): the same answers
# as kcors over the app's `cors` config merged on its defaults (allowMethods
# "GET,HEAD,PUT,POST,DELETE,PATCH", credentials false), except that array options are
# handed to `ctx.set` as they are (one header line per entry); an `origin` or
# `credentials` function is called with the request, not the context
MIDWAY_FRAMEWORK = Framework(
    name="midway_cross_domain",
    display="Midway @midwayjs/cross-domain",
    respond=_midway_respond,
    roles=js_option_roles(methods="allowMethods", headers="allowHeaders", expose="exposeHeaders"),
    origin_entries=literal_origin_entries,
    comment_prefix="//",
    unread_options="the `cors` config of @midwayjs/cross-domain",
    responder=_midway_responder,
)
FRAMEWORKS = (FRAMEWORK, MIDWAY_FRAMEWORK)
