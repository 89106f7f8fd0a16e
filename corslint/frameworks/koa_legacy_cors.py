"""Koa + the legacy ``koa-cors`` package (measured on koa-cors 0.0.16, its last release,
run by koa 3.3.0 through koa-convert 2.0.0 as koa 2 converts it itself).

A generator middleware, not ``@koa/cors``; its own option names (``methods``, ``headers``,
``expose``, ``maxAge``, ``credentials``) and its own code path:

- ``origin`` defaults to ``true``: Allow-Origin is the request's Origin, or ``*`` when
  none is sent: **every Origin is reflected**. A string is sent as written; ``false``
  ends the request there (no CORS headers, no ``next``: Koa's 404). A function gets
  ``ctx.request`` and its answer is sent (read as unknown here);
- it **never sets Vary**;
- on every request, preflight or not: Allow-Origin, Expose-Headers when ``expose`` is
  set (an array joined with ","), Max-Age when ``maxAge`` is a number (``0`` too: its text
  is "0"), Allow-Credentials ``true`` when ``credentials === true`` (beside ``*`` too),
  Allow-Methods ``methods`` (default ``GET,HEAD,PUT,POST,DELETE``, an array joined), and
  Allow-Headers ``headers`` (joined) or else the requested headers when there are any;
- every ``OPTIONS`` request is answered 204 by it; other requests go on to the app.
"""

from __future__ import annotations

import functools
from typing import Any

from corslint.frameworks.express import defaults_reader, joined, js_string, truthy
from corslint.frameworks.framework import Framework, LibraryCheck, Options, OriginEntry, Responder
from corslint.frameworks.js_option_roles import js_option_roles
from corslint.http import HeaderList, Request, Response
from corslint.model import CorsPolicy, UnresolvedValueError

DEFAULTS: dict[str, Any] = {"origin": True, "methods": "GET,HEAD,PUT,POST,DELETE"}
OPTION_NAMES = frozenset({"origin", "methods", "headers", "expose", "maxAge", "credentials"})
PREFLIGHT_STATUS = 204
REFUSED_STATUS = 404  # `origin: false` returns without `next`: nothing answers


_plain = defaults_reader(DEFAULTS)


def respond(policy: CorsPolicy, request: Request) -> Response:
    return _respond(Options(policy, _plain), request)


def responder(policy: CorsPolicy) -> Responder:
    return functools.partial(_respond, Options(policy, _plain))


def _respond(options: Options, request: Request) -> Response:
    configured = options["origin"]
    if isinstance(configured, str):
        origin = configured
    elif configured is True:
        origin = request.origin or "*"
    elif configured is False:
        return Response(REFUSED_STATUS)
    else:  # a function gets ctx.request; an array or RegExp sends the text `undefined`
        value = options.policy.option("origin")
        assert value is not None
        raise UnresolvedValueError(value)
    headers = HeaderList()
    headers.set("Access-Control-Allow-Origin", origin)
    expose = joined(options["expose"])  # arrays are joined when the middleware is made
    if truthy(expose):
        headers.set("Access-Control-Expose-Headers", js_string(expose))
    max_age = options["maxAge"]
    if isinstance(max_age, (int, float)) and not isinstance(max_age, bool):
        headers.set("Access-Control-Max-Age", js_string(max_age))
    if options["credentials"] is True:
        headers.set("Access-Control-Allow-Credentials", "true")
    headers.set("Access-Control-Allow-Methods", js_string(joined(options["methods"])))
    allowed = joined(options["headers"])
    if not truthy(allowed):
        allowed = request.header("access-control-request-headers")
    if truthy(allowed):
        headers.set("Access-Control-Allow-Headers", js_string(allowed))
    if request.method.upper() == "OPTIONS":
        return headers.response(PREFLIGHT_STATUS)
    return headers.response(None)


def origin_entries(policy: CorsPolicy) -> tuple[OriginEntry, ...]:
    """A string is the one origin sent; `true` (the default) reflects every Origin."""
    value = policy.option("origin")
    if value is None:
        return ()
    if not value.known:
        return (OriginEntry(value, "literal"),)
    return (OriginEntry(value, "literal"),) if isinstance(value.raw, str) else ()


def library_checks(policy: CorsPolicy) -> tuple[LibraryCheck, ...]:
    return ()


FRAMEWORK = Framework(
    name="koa_legacy_cors",
    display="Koa koa-cors",
    respond=respond,
    roles=js_option_roles(methods="methods", headers="headers", expose="expose"),
    origin_entries=origin_entries,
    library_checks=library_checks,
    comment_prefix="//",
    unread_options="the options object passed to koa-cors",
    responder=responder,
)
