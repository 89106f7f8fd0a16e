"""aiohttp-cors ``setup(app, defaults={ORIGIN: ResourceOptions(...)})`` and ``cors.add(route, {...})``
(measured on aiohttp-cors 0.8.1, aiohttp 3.14.5).

A policy holds one option, ``config``: the mapping from origin (or ``"*"``) to that
origin's options, a route's own mapping already laid over the defaults, origin by origin,
as the library's ``ChainMap`` does (docs/semantics/aiohttp_cors.md). The model assumes
the route serving the requested method was passed to ``cors.add``.
"""

from __future__ import annotations

import functools
from typing import Any

from corslint.frameworks.framework import Framework, Options, OriginEntry, Responder, Role
from corslint.http import HeaderList, Request, Response
from corslint.model import CorsPolicy, Location, Value

RESOURCE_DEFAULTS: dict[str, Any] = {
    "allow_credentials": False,
    "expose_headers": (),
    "allow_headers": (),
    "max_age": None,
    "allow_methods": None,
}
# response headers `expose_headers="*"` leaves out (aiohttp_cors.cors_config._SIMPLE_RESPONSE_HEADERS)
SIMPLE_RESPONSE_HEADERS = frozenset(
    {"cache-control", "content-language", "content-type", "expires", "last-modified", "pragma"}
)
# what every aiohttp response carries besides its body's type, for `expose_headers="*"`
SERVER_HEADERS = ("Content-Length", "Date", "Server")


def _option(policy: CorsPolicy, name: str) -> Any:
    value = policy.option(name)
    config = {} if value is None else value.plain()
    if not isinstance(config, dict):  # aiohttp_cors.setup(defaults=...) takes a mapping only
        raise TypeError(f"aiohttp-cors defaults must be a mapping, not {type(config).__name__}")
    return {origin: {**RESOURCE_DEFAULTS, **options} for origin, options in config.items()}


def respond(policy: CorsPolicy, request: Request) -> Response:
    return _respond(Options(policy, _option), request)


def responder(policy: CorsPolicy) -> Responder:
    return functools.partial(_respond, Options(policy, _option))


def _respond(options: Options, request: Request) -> Response:
    config = options["config"]
    origin = request.origin
    if request.method == "OPTIONS":
        return _preflight(config, request)
    if origin is None:
        return Response(None)
    chosen = config.get(origin, config.get("*"))
    if chosen is None:
        return Response(None)
    headers = HeaderList()
    expose = chosen["expose_headers"]
    if expose == "*":  # the response's own header names (those of a plain text answer here)
        headers.set("Access-Control-Expose-Headers", ",".join(SERVER_HEADERS))
    elif expose:
        headers.set("Access-Control-Expose-Headers", ",".join(expose))
    headers.set("Access-Control-Allow-Origin", origin)
    if chosen["allow_credentials"]:
        headers.set("Access-Control-Allow-Credentials", "true")
    return headers.response(None)


def _preflight(config: dict[str, dict[str, Any]], request: Request) -> Response:
    """Every OPTIONS request to a CORS-enabled resource reaches the preflight handler."""
    origin = request.origin
    method = request.header("access-control-request-method")
    if origin is None or method is None or not config:
        return Response(403)
    chosen = config.get(origin, config.get("*"))
    if chosen is None:
        return Response(403)
    requested = frozenset(
        name.strip(" \t").upper()
        for name in (request.header("access-control-request-headers") or "").split(",")
        if name.strip(" \t")
    )
    allow_headers = chosen["allow_headers"]
    if allow_headers != "*" and requested - {name.upper() for name in allow_headers}:
        return Response(403)
    headers = HeaderList()
    headers.set("Access-Control-Allow-Origin", origin)
    if chosen["allow_credentials"]:
        headers.set("Access-Control-Allow-Credentials", "true")
    if chosen["max_age"] is not None:
        headers.set("Access-Control-Max-Age", str(chosen["max_age"]))
    headers.set("Access-Control-Allow-Methods", method)
    if requested:
        headers.set("Access-Control-Allow-Headers", ",".join(sorted(requested)))
    return headers.response(200)


def origin_entries(policy: CorsPolicy) -> tuple[OriginEntry, ...]:
    config = policy.option("config")
    if config is None or not config.known or not isinstance(config.raw, dict):
        return ()
    return tuple(
        OriginEntry(Value(origin, options.location, options.provenance), "literal")
        for origin, options in config.raw.items()
    )


# the ResourceOptions keyword each role's findings are about
_ROLE_KEYWORDS: dict[str, str] = {
    "credentials": "allow_credentials",
    "methods": "allow_methods",
    "headers": "allow_headers",
    "expose": "expose_headers",
    "max_age": "max_age",
}


def locate(policy: CorsPolicy, role: Role) -> Location | None:
    """The `allow_headers=...` keyword inside `ResourceOptions(...)` for a finding about
    the headers (jindada1/Relaxion main.py), when one origin's options alone write it;
    None (the whole `config`) when none does or several do."""
    keyword = _ROLE_KEYWORDS.get(role)
    config = policy.option("config")
    if keyword is None or config is None or not config.known or not isinstance(config.raw, dict):
        return None
    places = {
        written.location
        for options in config.raw.values()
        if isinstance(options, Value)
        and options.known
        and isinstance(options.raw, dict)
        and isinstance(written := options.raw.get(keyword), Value)
    }
    return places.pop() if len(places) == 1 else None


FRAMEWORK = Framework(
    name="aiohttp_cors",
    display="aiohttp-cors",
    respond=respond,
    roles={
        "origins": ("config",),
        "credentials": ("config",),
        "methods": ("config",),
        "headers": ("config",),
        "expose": ("config",),
        "max_age": ("config",),
    },
    origin_entries=origin_entries,
    responder=responder,
    locator=locate,
)
