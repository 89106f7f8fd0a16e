"""Strapi's ``strapi::cors`` middleware (Strapi 4 and 5, ``@strapi/core``
src/middlewares/cors.ts), configured in ``config/middlewares.js`` by the entry
``'strapi::cors'`` or ``{ name: 'strapi::cors', config: {...} }``.

Options keep Strapi's names (``origin``, ``expose``, ``maxAge``, ``credentials``,
``methods``, ``headers``, ``keepHeadersOnError``). Strapi spreads them over its defaults
(``origin: '*'``, ``credentials: true``, ``maxAge: 31536000``, ...) and hands @koa/cors
(koa_cors.py: ``Vary: Origin`` on every answer, a ``*`` turned into the request's
Origin when credentials are on) an origin function. That function, for a request with
an Origin header:

- 5.20 and later (``matchOrigin``): an array, or a string split on ``,`` and trimmed;
  ``'*'`` anywhere in it, or no origin at all, echoes every Origin; otherwise an exact
  match echoes it, anything else gets no CORS headers;
- before 5.20 (Strapi 4, 5.0-5.19): an array is an exact match, ``'*'`` in it included;
  a string with a ``,`` is split, trimmed and matched exactly; any other string is
  returned as it is (``'*'``, or one fixed origin sent to every caller).

Without an Origin header the function answers ``'*'``.
"""

from __future__ import annotations

from typing import Any

from corslint.frameworks.express import UNDEFINED, truthy
from corslint.frameworks.framework import Framework, OriginEntry
from corslint.frameworks.js_option_roles import js_option_roles
from corslint.frameworks.koa_cors import respond as koa_respond
from corslint.http import HeaderList, Request, Response
from corslint.model import CorsPolicy, FunctionValue, UnresolvedValueError, Value

DEFAULTS: dict[str, Any] = {
    "origin": "*",
    "maxAge": 31536000,
    "credentials": True,
    "methods": ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"),
    "headers": ("Content-Type", "Authorization", "Origin", "Accept"),
    "keepHeadersOnError": False,
}
OPTION_NAMES = frozenset({*DEFAULTS, "expose", "enabled"})
NAME = "strapi_cors"  # 5.20 and later
LEGACY_NAME = "strapi_cors_legacy"  # Strapi 4 and 5.0-5.19
# Strapi 4.0.0-4.3.6 pinned exactly: @koa/cors 3.1.0, which sends a `*` as written even
# with credentials (the rewrite to the request's Origin came in 3.4.1, Strapi 4.3.7)
EARLY_NAME = "strapi_cors_koa_3_1"
# Strapi's option -> the @koa/cors option it is handed as
_KOA_NAMES = {
    "expose": "exposeHeaders",
    "maxAge": "maxAge",
    "credentials": "credentials",
    "methods": "allowMethods",
    "headers": "allowHeaders",
    "keepHeadersOnError": "keepHeadersOnError",
}


def _setting(policy: CorsPolicy, name: str) -> Value:
    value = policy.option(name)
    if value is not None:
        return value
    default = DEFAULTS.get(name, UNDEFINED)
    if isinstance(default, tuple):
        return Value(tuple(Value(item, policy.location) for item in default), policy.location)
    return Value(default, policy.location)


def _chosen_origin(policy: CorsPolicy, request: Request) -> Any:
    """What Strapi's origin function returns for this request."""
    incoming = request.origin or ""
    if not incoming:
        return "*"
    value = _setting(policy, "origin")
    configured = value.plain()
    if isinstance(configured, FunctionValue):
        raise UnresolvedValueError(value)
    if policy.framework == NAME:
        if configured is None or configured is UNDEFINED:
            listed: tuple[Any, ...] = ("*",)
        elif isinstance(configured, tuple):
            listed = configured
        elif isinstance(configured, str):
            listed = tuple(part.strip() for part in configured.split(","))
        else:
            raise UnresolvedValueError(value)  # `.split` throws: the request fails
        if "*" in listed:
            return incoming
        return incoming if incoming in listed else ""
    if isinstance(configured, tuple):
        return incoming if incoming in configured else ""
    if not isinstance(configured, str):
        raise UnresolvedValueError(value)
    parts = [part.strip() for part in configured.split(",")]
    if len(parts) > 1:
        return incoming if incoming in parts else ""
    return configured


def respond(policy: CorsPolicy, request: Request) -> Response:
    origin = _chosen_origin(policy, request)
    early = policy.framework == EARLY_NAME
    if not truthy(origin) or (early and not request.origin):
        # @koa/cors skips CORS for a falsy answer; 3.1 also for a request without Origin
        headers = HeaderList()
        headers.set("Vary", "Origin")
        return headers.response(None)
    options = {koa: _setting(policy, name) for name, koa in _KOA_NAMES.items()}
    options["origin"] = Value(origin, policy.location)
    response = koa_respond(CorsPolicy("koa_cors", policy.location, options), request)
    if early and origin == "*" and response.get("access-control-allow-origin"):
        lines = tuple(
            (name, "*" if name == "access-control-allow-origin" else value)
            for name, value in response.headers
        )
        return Response(response.status, lines)
    return response


def origin_entries(policy: CorsPolicy) -> tuple[OriginEntry, ...]:
    """The listed origins (a string split on `,` as Strapi splits it); `'*'` is none,
    except inside an array before 5.20, where it is a literal no Origin equals."""
    value = policy.option("origin")
    if value is None:
        return ()
    if not value.known:
        return (OriginEntry(value, "literal"),)
    if isinstance(value.raw, tuple):
        literal_star = policy.framework == LEGACY_NAME
        return tuple(
            OriginEntry(item, "literal")
            for item in value.raw
            if not item.known or item.raw != "*" or literal_star
        )
    if isinstance(value.raw, str):
        parts = [part.strip() for part in value.raw.split(",")]
        return tuple(
            OriginEntry(Value(part, value.location, value.provenance, value.env_var), "literal")
            for part in parts
            if part != "*"
        )
    return ()


def _framework(name: str, display: str) -> Framework:
    return Framework(
        name=name,
        display=display,
        respond=respond,
        roles=js_option_roles(methods="methods", headers="headers", expose="expose"),
        origin_entries=origin_entries,
        comment_prefix="//",
        unread_options="the `config` of the strapi::cors entry",
    )


FRAMEWORKS = (
    _framework(NAME, "Strapi strapi::cors"),
    _framework(LEGACY_NAME, "Strapi strapi::cors (before 5.20)"),
    _framework(EARLY_NAME, "Strapi strapi::cors (4.0-4.3.6, @koa/cors 3.1)"),
)
