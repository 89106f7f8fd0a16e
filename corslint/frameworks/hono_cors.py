"""Hono's ``cors`` middleware from ``hono/cors`` (measured on hono 4.13.19).

Options keep the middleware's own names (``origin``, ``allowMethods``, ``allowHeaders``,
``exposeHeaders``, ``credentials``, ``maxAge``). The model follows its code path:

- ``origin`` ``"*"`` (the default) sends ``*`` on every response; any other string is an
  *exact* match (the Origin, or nothing); an array is an exact, case-sensitive
  ``includes`` (``"*"`` inside it is not special); a function's return value is sent when
  truthy. A RegExp, ``true`` or ``null`` throws on every request: Hono answers 500;
- ``credentials`` and ``exposeHeaders`` are sent on every response, refused origins and
  preflights included;
- **every** ``OPTIONS`` request is answered 204 (no Access-Control-Request-Method needed):
  ``Vary: Origin`` unless the origin option is ``"*"``, Max-Age when set (``0`` too),
  Allow-Methods from the ``allowMethods`` array (a plain string sends none), Allow-Headers
  from ``allowHeaders`` or else the requested headers (then with ``Vary:
  Access-Control-Request-Headers``);
- other requests go on to the app, and get ``Vary: Origin`` after it unless the origin is ``"*"``.

A policy answers the paths its ``app.use(path, cors())`` pattern matches (``*`` any
rest of the path, ``:name`` one segment).
"""

from __future__ import annotations

import functools
import re
from typing import Any

from corslint.frameworks.express import (
    UNDEFINED,
    defaults_reader,
    is_origin_allowed,
    js_string,
    literal_origin_entries,
    truthy,
)
from corslint.frameworks.framework import Framework, LibraryCheck, Options, Responder
from corslint.frameworks.js_option_roles import js_option_roles
from corslint.http import HeaderList, Request, Response
from corslint.model import CorsPolicy, FunctionValue, Regex, UnresolvedValueError, Value

DEFAULTS: dict[str, Any] = {
    "origin": "*",
    "allowMethods": ("GET", "HEAD", "PUT", "POST", "DELETE", "PATCH", "QUERY"),
    "allowHeaders": (),
    "exposeHeaders": (),
}
OPTION_NAMES = frozenset({*DEFAULTS, "credentials", "maxAge"})
PREFLIGHT_STATUS = 204
SERVER_ERROR = 500


_plain = defaults_reader(DEFAULTS)


def _joined(options: Options, name: str) -> str:
    """``opts.x?.length ? opts.x.join(",") : undefined`` (a string would throw at startup)."""
    value = options[name]
    if isinstance(value, tuple):
        return ",".join("" if item is None or item is UNDEFINED else js_string(item) for item in value)
    if isinstance(value, str) and value:
        raise UnresolvedValueError(options.policy.option(name) or Value(value, options.policy.location))
    return ""


def _allow_origin(options: Options, request: Request) -> Any:
    origin = options["origin"]
    incoming = request.origin or ""
    if isinstance(origin, str):
        return origin if origin == "*" or origin == incoming else None
    if isinstance(origin, tuple):
        return incoming if incoming in origin else None
    if isinstance(origin, FunctionValue):
        if origin.kind == "reflect-all":
            return incoming
        if origin.kind == "deny-all":
            return None
        if origin.kind == "allow-list":
            allowed = tuple(item.plain() for item in origin.allowed)
            return incoming if incoming and is_origin_allowed(incoming, allowed) else None
        value = options.policy.option("origin")
        assert value is not None
        raise UnresolvedValueError(value)
    raise TypeError("optsOrigin.includes is not a function")


def respond(policy: CorsPolicy, request: Request) -> Response:
    return _respond(Options(policy, _plain), request)


def responder(policy: CorsPolicy) -> Responder:
    return functools.partial(_respond, Options(policy, _plain))


def _respond(options: Options, request: Request) -> Response:
    exposed = _joined(options, "exposeHeaders")
    allow_headers = _joined(options, "allowHeaders")
    headers = HeaderList()
    try:
        allow_origin = _allow_origin(options, request)
    except TypeError:
        return Response(SERVER_ERROR)  # Hono's error handler, without the headers
    if truthy(allow_origin):
        headers.set("Access-Control-Allow-Origin", js_string(allow_origin))
    if truthy(options["credentials"]):
        headers.set("Access-Control-Allow-Credentials", "true")
    if exposed:
        headers.set("Access-Control-Expose-Headers", exposed)
    varies = options["origin"] != "*"
    if request.method.upper() != "OPTIONS":
        if varies:
            headers.set("Vary", "Origin")
        return headers.response(None)
    vary = ["Origin"] if varies else []
    max_age = options["maxAge"]
    if max_age is not None and max_age is not UNDEFINED:
        headers.set("Access-Control-Max-Age", js_string(max_age))
    methods = options["allowMethods"]
    if isinstance(methods, tuple) and methods:
        headers.set("Access-Control-Allow-Methods", ",".join(js_string(item) for item in methods))
    elif isinstance(methods, FunctionValue):
        value = options.policy.option("allowMethods")
        assert value is not None
        raise UnresolvedValueError(value)
    if not allow_headers:
        requested = request.header("access-control-request-headers") or ""
        if requested:
            allow_headers = ",".join(part.strip() for part in requested.split(","))
    if allow_headers:
        headers.set("Access-Control-Allow-Headers", allow_headers)
        vary.append("Access-Control-Request-Headers")
    if vary:
        headers.set("Vary", ", ".join(vary))
    return headers.response(PREFLIGHT_STATUS)


def _path_pattern(scope: str) -> re.Pattern[str]:
    parts = []
    for piece in re.split(r"(\*|:[A-Za-z0-9_]+(?:\{[^}]*\})?\??)", scope):
        if piece == "*":
            parts.append(".*")
        elif piece.startswith(":"):
            parts.append("[^/]*" if piece.endswith("?") else "[^/]+")
        else:
            parts.append(re.escape(piece))
    pattern = "".join(parts)
    if pattern.endswith("/.*"):
        pattern = pattern[: -len("/.*")] + "(?:/.*)?"  # "/api/*" covers "/api" too
    return re.compile(pattern)


def probe_path(scope: str) -> str:
    """A path the pattern matches: each `*` and `:name` stands for one segment `x`."""
    if not scope or not scope.startswith("/"):
        return "/"
    return re.sub(r"\*|:[A-Za-z0-9_]+(?:\{[^}]*\})?\??", "x", scope)


def answers(policy: CorsPolicy, path: str) -> bool:
    if not policy.scope:
        return True
    return _path_pattern(policy.scope).fullmatch(path) is not None


def library_checks(policy: CorsPolicy) -> tuple[LibraryCheck, ...]:
    """Origin values the middleware accepts at startup but throws on at every request."""
    value = policy.option("origin")
    if value is None or not value.known:
        return ()
    if isinstance(value.raw, (str, tuple, FunctionValue)):
        return ()
    shown = "a RegExp" if isinstance(value.raw, Regex) else f"`{js_string(value.raw)}`"
    return (
        LibraryCheck(
            "TypeError: optsOrigin.includes is not a function",
            "origins",
            f"Hono's cors() does not accept {shown} as `origin`: every request through it throws "
            "and is answered 500; pass a string, an array of origins or a function "
            "`(origin) => ...`",
            value.location,
        ),
    )


FRAMEWORK = Framework(
    name="hono_cors",
    display="Hono cors()",
    respond=respond,
    roles=js_option_roles(methods="allowMethods", headers="allowHeaders", expose="exposeHeaders"),
    origin_entries=literal_origin_entries,
    library_checks=library_checks,
    answers=answers,
    comment_prefix="//",
    unread_options="the options object passed to Hono's cors()",
    responder=responder,
)
