"""Koa + ``@koa/cors`` (measured on @koa/cors 5.0.0, koa 3.3.0).

Options keep the package's own names (``origin``, ``allowMethods``, ``allowHeaders``,
``exposeHeaders``, ``credentials``, ``maxAge``, ``keepHeadersOnError``, ``secureContext``,
``privateNetworkAccess``). The model follows the package's code path:

- every request gets ``Vary: Origin``, allowed or not, with or without an Origin;
- ``origin`` is whatever the option holds (``options.origin || "*"``), sent as written
  whatever the request's Origin: a string is a fixed Allow-Origin, an array one header line
  per entry (browsers refuse the joined value), a RegExp its source text, ``true`` the
  text ``true``. Only a function ``(ctx) => value`` chooses per request: its answer is
  sent, and a falsy answer skips CORS altogether (the request goes on to the app);
- a truthy ``credentials`` turns the ``*`` origin (the default included) into the
  request's Origin (``""`` when there is none): every origin is reflected;
- an ``OPTIONS`` request without Access-Control-Request-Method goes on to the app; a
  preflight is answered 204, with the requested headers reflected when ``allowHeaders``
  is not set (and no ``Vary: Access-Control-Request-Headers``); Expose-Headers is sent on
  other requests only; a ``maxAge`` that is falsy (``0``) is not sent.

Earlier majors (measured on 3.1.0, 3.4.3 and 4.0.0; ``@koa/cors`` 2.x is kcors, its own
model) default ``origin`` to the request's Origin (``options.origin || requestOrigin``):
without the option every origin is reflected, with or without credentials. 3.x answers a
request without Origin with ``Vary: Origin`` only; 4.0 sends it an empty Allow-Origin. The
extractor records the major under `VERSION_OPTION` when the project's lock file or
package.json tells it; without it the newest major (5) is modelled: under the default
origin every major lets any origin read responses, credentialed ones when ``credentials``
is on, and only the header that says so differs (``*`` or the caller's origin). 3.0 to 3.4.0
sent an explicit ``*`` unchanged beside credentials; 3.4.1 onwards (what any ``^3`` range
installs) reflects it, as modelled.
"""

from __future__ import annotations

import functools
from typing import Any

from corslint.frameworks.express import (
    defaults_reader,
    is_origin_allowed,
    js_string,
    literal_origin_entries,
    truthy,
)
from corslint.frameworks.framework import Framework, LibraryCheck, Options, Responder
from corslint.frameworks.js_option_roles import js_option_roles
from corslint.frameworks.package_majors import recorded_major
from corslint.http import HeaderList, Request, Response
from corslint.model import CorsPolicy, FunctionValue, Regex, UnresolvedValueError

DEFAULTS: dict[str, Any] = {
    "allowMethods": "GET,HEAD,PUT,POST,DELETE,PATCH",
    "secureContext": False,
}
OPTION_NAMES = frozenset(
    {
        "origin",
        "allowMethods",
        "allowHeaders",
        "exposeHeaders",
        "credentials",
        "maxAge",
        "keepHeadersOnError",
        "secureContext",
        "privateNetworkAccess",
    }
)
PREFLIGHT_STATUS = 204
FIRST_STAR_DEFAULT = 5  # 5.0: `origin` defaults to "*"; before, to the request's Origin
FIRST_ORIGINLESS = 4  # 4.0: a request without Origin is answered (3.x: `Vary: Origin` only)


_plain = defaults_reader(DEFAULTS)


def _text(value: Any) -> str:
    """``String(value)``; a RegExp's ``source`` escapes each ``/`` outside a class."""
    if not isinstance(value, Regex):
        return js_string(value)
    source: list[str] = []
    escaped = in_class = False
    for char in value.pattern:
        if char == "/" and not escaped and not in_class:
            source.append("\\")
        source.append(char)
        if not escaped:
            in_class = (in_class or char == "[") and char != "]"
        escaped = char == "\\" and not escaped
    return f"/{''.join(source)}/{value.flags}"


def header_lines(value: Any) -> list[str]:
    """What ``ctx.set(name, value)`` writes: an array is one line per item."""
    if isinstance(value, tuple):
        return [_text(item) for item in value]
    return [_text(value)]


def _joined(value: Any) -> Any:
    """The package joins array options with "," once, when the middleware is made."""
    return js_string(value) if isinstance(value, tuple) else value


def chosen_origin(options: Options, request: Request) -> Any:
    """What ``origin(ctx)`` returns for this request; a falsy answer skips CORS."""
    function: FunctionValue = options["origin"]
    incoming = request.origin or ""  # ctx.get("Origin") reads a missing header as ""
    if function.kind == "reflect-all":
        return incoming
    if function.kind == "deny-all":
        return ""
    if function.kind == "allow-list" and request.origin is not None:
        allowed = tuple(item.plain() for item in function.allowed)
        return request.origin if is_origin_allowed(request.origin, allowed) else ""
    if function.kind == "allow-list":
        return ""
    value = options.policy.option("origin")
    assert value is not None
    raise UnresolvedValueError(value)


def respond(policy: CorsPolicy, request: Request) -> Response:
    return _respond(Options(policy, _plain), request)


def responder(policy: CorsPolicy) -> Responder:
    return functools.partial(_respond, Options(policy, _plain))


def _respond(options: Options, request: Request) -> Response:
    headers = HeaderList()
    headers.set("Vary", "Origin")
    major = recorded_major(options.policy)
    if major is not None and major < FIRST_ORIGINLESS and not request.origin:
        return headers.response(None)
    configured = options["origin"]
    if isinstance(configured, FunctionValue):
        origin = chosen_origin(options, request)
        if not truthy(origin):
            return headers.response(None)
    elif truthy(configured):
        origin = configured
    else:
        reflects = major is not None and major < FIRST_STAR_DEFAULT
        origin = (request.origin or "") if reflects else "*"
    credentials_option = options["credentials"]
    if isinstance(credentials_option, FunctionValue):
        value = options.policy.option("credentials")
        assert value is not None
        raise UnresolvedValueError(value)
    credentials = truthy(credentials_option)
    if credentials and origin == "*":
        origin = request.origin or ""

    def put(name: str, sent: Any) -> None:
        headers.remove(name)
        for line in header_lines(sent):
            headers.add(name, line)

    secure = truthy(options["secureContext"])
    if request.method.upper() != "OPTIONS":
        put("Access-Control-Allow-Origin", origin)
        if credentials:
            put("Access-Control-Allow-Credentials", "true")
        exposed = _joined(options["exposeHeaders"])
        if truthy(exposed):
            put("Access-Control-Expose-Headers", exposed)
        if secure:
            put("Cross-Origin-Opener-Policy", "same-origin")
            put("Cross-Origin-Embedder-Policy", "require-corp")
        return headers.response(None)
    if not request.header("access-control-request-method"):
        return headers.response(None)  # not a preflight: the app answers it
    put("Access-Control-Allow-Origin", origin)
    if credentials:
        put("Access-Control-Allow-Credentials", "true")
    max_age = options["maxAge"]
    if truthy(max_age) and truthy(js_string(max_age)):
        put("Access-Control-Max-Age", js_string(max_age))
    if truthy(options["privateNetworkAccess"]) and request.header("access-control-request-private-network"):
        put("Access-Control-Allow-Private-Network", "true")
    methods = _joined(options["allowMethods"])
    if truthy(methods):
        put("Access-Control-Allow-Methods", methods)
    if secure:
        put("Cross-Origin-Opener-Policy", "same-origin")
        put("Cross-Origin-Embedder-Policy", "require-corp")
    allow_headers = _joined(options["allowHeaders"])
    if not truthy(allow_headers):
        allow_headers = request.header("access-control-request-headers") or ""
    if truthy(allow_headers):
        put("Access-Control-Allow-Headers", allow_headers)
    return headers.response(PREFLIGHT_STATUS)


def library_checks(policy: CorsPolicy) -> tuple[LibraryCheck, ...]:
    """Origin values @koa/cors accepts without complaint but can never match with."""
    return origin_text_checks(policy, "@koa/cors")


def origin_text_checks(policy: CorsPolicy, package: str) -> tuple[LibraryCheck, ...]:
    """An `origin` that a Koa CORS package sends as its text (`ctx.set` stringifies it)."""
    value = policy.option("origin")
    if value is None or not value.known:
        return ()
    raw = value.raw
    if isinstance(raw, tuple) and len(raw) != 1:
        message = (
            f"{package} does not read an array of origins: it sends every entry as its own "
            "Access-Control-Allow-Origin line, and browsers refuse the combined value, so no "
            "origin can read responses; pass a function `(ctx) => ...` that returns the "
            "request's Origin when it is in the list"
        )
    elif isinstance(raw, Regex):
        message = (
            f"{package} does not read a RegExp origin: it sends the pattern's text as "
            "Access-Control-Allow-Origin, which no browser origin equals; pass a function "
            "`(ctx) => ...` that tests the request's Origin"
        )
    elif raw is True:
        message = (
            f"{package} sends `origin: true` as the text `true`, which no browser origin "
            "equals; pass a function `(ctx) => ...` that returns the allowed Origin"
        )
    else:
        return ()
    return (LibraryCheck(f"{package} origin", "origins", message, value.location),)


FRAMEWORK = Framework(
    name="koa_cors",
    display="Koa @koa/cors",
    respond=respond,
    roles=js_option_roles(methods="allowMethods", headers="allowHeaders", expose="exposeHeaders"),
    origin_entries=literal_origin_entries,
    library_checks=library_checks,
    comment_prefix="//",
    unread_options="the options object passed to @koa/cors",
    responder=responder,
)
