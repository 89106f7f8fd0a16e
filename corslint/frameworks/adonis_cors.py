"""AdonisJS's CORS middleware (``@adonisjs/cors`` 2.x / 3.x for AdonisJS 6+, measured on
2.2.1; AdonisJS 5's built-in ``Cors`` hook has the same code path), configured by
``config/cors.ts``.

Options keep the config file's names (``enabled``, ``origin``, ``methods``, ``headers``,
``exposeHeaders``, ``credentials``, ``maxAge``). ``defineConfig`` fills in what is left
out with the generated file's values (``origin: true``, ``credentials: true``, ...); a
plain object (AdonisJS 5's, or AdonisJS 6's written without ``defineConfig``) has no
defaults. The model follows the middleware:

- a request without an Origin header, or with ``enabled`` false, goes on untouched;
- ``origin: true`` echoes every Origin; ``"*"`` sends ``*``, or echoes the Origin when
  ``credentials`` is exactly ``true``; an array is an exact, case-sensitive match; any
  other string is split on ``,`` (not trimmed) and matched exactly; ``false`` refuses;
- a refused origin's preflight is answered 204 without CORS headers; other requests go
  on without them. Nothing ever sends ``Vary``;
- a preflight is answered 204, with headers only when its Access-Control-Request-Method
  is in ``methods`` (case-sensitive) and every requested header (the value split on
  ``,``, not trimmed) is allowed (``headers: true`` allows what was requested);
- ``exposeHeaders`` are lowercased and dropped when they are all CORS-safelisted; a
  falsy ``maxAge`` is not sent.
"""

from __future__ import annotations

import functools
from typing import Any

from corslint.frameworks.express import UNDEFINED, js_string, truthy
from corslint.frameworks.framework import Framework, LibraryCheck, Options, OriginEntry, Responder
from corslint.frameworks.js_option_roles import js_option_roles
from corslint.http import HeaderList, Request, Response
from corslint.model import CorsPolicy, UnresolvedValueError, Value

DEFINE_CONFIG_DEFAULTS: dict[str, Any] = {
    "enabled": True,
    "origin": True,
    "methods": ("GET", "HEAD", "POST", "PUT", "DELETE"),
    "headers": True,
    "exposeHeaders": (),
    "credentials": True,
    "maxAge": 90,
}
OPTION_NAMES = frozenset(DEFINE_CONFIG_DEFAULTS)
NAME = "adonis_cors"  # `defineConfig({...})`: its defaults fill in what is left out
PLAIN_NAME = "adonis5_cors"  # a plain exported object (AdonisJS 5, or 6 without defineConfig): no defaults
PREFLIGHT_STATUS = 204
SERVER_ERROR = 500
_SIMPLE_EXPOSE = frozenset(
    {"cache-control", "content-language", "content-type", "expires", "last-modified", "pragma"}
)


def _plain(policy: CorsPolicy, name: str) -> Any:
    value = policy.option(name)
    if value is None:
        return DEFINE_CONFIG_DEFAULTS.get(name, UNDEFINED) if policy.framework == NAME else UNDEFINED
    return value.plain()


def _unresolved(options: Options, name: str) -> UnresolvedValueError:
    value = options.policy.option(name)
    return UnresolvedValueError(value or Value(None, options.policy.location))


def _allowed_origin(options: Options, origin: str) -> str | None:
    allowed = options["origin"]
    if allowed is True:
        return origin
    if allowed is False:
        return None
    if allowed == "*":
        return origin if options["credentials"] is True else "*"
    if isinstance(allowed, tuple):
        return origin if any(entry == origin and truthy(entry) for entry in allowed) else None
    if isinstance(allowed, str):
        return origin if origin in allowed.split(",") else None
    raise TypeError("allowedOrigins.split is not a function")


def _exposed(options: Options) -> str:
    exposed = options["exposeHeaders"]
    if not isinstance(exposed, tuple):
        raise TypeError("config.exposeHeaders.map is not a function")  # at startup
    lowered = [js_string(header).lower() for header in exposed]
    return ",".join(lowered) if any(header not in _SIMPLE_EXPOSE for header in lowered) else ""


def _allowed_headers(options: Options, requested: list[str]) -> list[str]:
    allowed = options["headers"]
    if allowed is True:
        return [header.lower() for header in requested]
    if allowed is False:
        return []
    if isinstance(allowed, tuple):
        return [js_string(header).lower() for header in allowed]
    if isinstance(allowed, str):
        return [header.lower() for header in allowed.split(",")]
    raise _unresolved(options, "headers")


def respond(policy: CorsPolicy, request: Request) -> Response:
    return _respond(Options(policy, _plain), request)


def responder(policy: CorsPolicy) -> Responder:
    return functools.partial(_respond, Options(policy, _plain))


def _respond(options: Options, request: Request) -> Response:
    if not truthy(options["enabled"]):  # (a function `enabled` reaches here as `true`)
        return Response(None)
    origin = request.origin
    if not origin:
        return Response(None)
    try:
        exposed = _exposed(options)
        allowed_origin = _allowed_origin(options, origin)
    except TypeError:
        return Response(SERVER_ERROR)
    headers = HeaderList()
    if request.method.upper() != "OPTIONS":
        if allowed_origin:
            _set_common(options, headers, allowed_origin, exposed)
        return headers.response(None)
    if not allowed_origin:
        return headers.response(PREFLIGHT_STATUS)
    methods = options["methods"]
    if not isinstance(methods, tuple):
        raise _unresolved(options, "methods")
    requested_method = request.header("access-control-request-method")
    if not requested_method or requested_method not in methods:
        return headers.response(PREFLIGHT_STATUS)
    raw_requested = request.header("access-control-request-headers")
    requested = raw_requested.split(",") if raw_requested else []
    allowed_headers = _allowed_headers(options, requested)
    if not all(header == "origin" or header.lower() in allowed_headers for header in requested):
        return headers.response(PREFLIGHT_STATUS)
    _set_common(options, headers, allowed_origin, exposed)
    headers.set("Access-Control-Allow-Methods", ",".join(js_string(method) for method in methods))
    headers.set("Access-Control-Allow-Headers", ",".join(allowed_headers))
    max_age = options["maxAge"]
    if truthy(max_age):
        headers.set("Access-Control-Max-Age", js_string(max_age))
    return headers.response(PREFLIGHT_STATUS)


def _set_common(options: Options, headers: HeaderList, allowed_origin: str, exposed: str) -> None:
    headers.set("Access-Control-Allow-Origin", allowed_origin)
    if options["credentials"] is True:
        headers.set("Access-Control-Allow-Credentials", "true")
    if exposed:
        headers.set("Access-Control-Expose-Headers", exposed)


def origin_entries(policy: CorsPolicy) -> tuple[OriginEntry, ...]:
    """Each listed origin; a string is split on `,` as the middleware splits it."""
    value = policy.option("origin")
    if value is None:
        return ()
    if not value.known:
        return (OriginEntry(value, "literal"),)
    if isinstance(value.raw, tuple):
        return tuple(OriginEntry(item, "literal") for item in value.raw if not item.known or item.raw != "*")
    if isinstance(value.raw, str) and value.raw != "*":
        parts = value.raw.split(",")
        if len(parts) == 1:
            return (OriginEntry(value, "literal"),)
        return tuple(
            OriginEntry(Value(part, value.location, value.provenance, value.env_var), "literal")
            for part in parts
        )
    return ()


def library_checks(policy: CorsPolicy) -> tuple[LibraryCheck, ...]:
    value = policy.option("exposeHeaders")
    if value is None or not value.known or isinstance(value.raw, tuple):
        return ()
    return (
        LibraryCheck(
            "TypeError at startup",
            "expose",
            "AdonisJS's CORS middleware needs `exposeHeaders` to be an array: anything else makes "
            "it throw when the server starts",
            value.location,
        ),
    )


def _framework(name: str, display: str) -> Framework:
    return Framework(
        name=name,
        display=display,
        respond=respond,
        roles=js_option_roles(methods="methods", headers="headers", expose="exposeHeaders"),
        origin_entries=origin_entries,
        library_checks=library_checks,
        comment_prefix="//",
        unread_options="the object exported by config/cors.ts",
        responder=responder,
    )


# a plain object is AdonisJS 5's config, or an AdonisJS 6 one written without `defineConfig`
# (extractors/node_frameworks/adonis.py): its findings name no version
FRAMEWORKS = (_framework(NAME, "AdonisJS CORS"), _framework(PLAIN_NAME, "AdonisJS CORS"))
