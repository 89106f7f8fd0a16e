"""Sanic Extensions' built-in CORS (`sanic_ext.Config(cors_origins=...)` handed to
`app.extend(config=...)`), measured on sanic-ext 25.12.0 with sanic 25.12.1
(tests/test_differential_sanic_ext.py). Options are the app config keys the Config
keywords set (`cors_origins=` is `CORS_ORIGINS`).

What `sanic_ext/extensions/http/cors.py` does: `CORS_ORIGINS` `"*"` is the pattern `.*`, a
string is split at commas and each entry escaped and anchored at the end, a compiled
pattern kept; each is tried with `re.match`. A matching Origin is echoed (a `*` only with
`CORS_SEND_WILDCARD`), with `Vary: origin` whenever Allow-Origin is not `*`. A request
without Origin gets `*` (wildcard config) or the configured single origin
(`CORS_ALWAYS_SEND`). Without Allow-Origin nothing else is added. Expose-Headers, and on
preflights Allow-Headers and Allow-Methods, are sent as `*` only to requests without
cookies or Authorization; otherwise the requested headers that are listed, and the
route's methods (that are listed). Max-Age defaults to 5. OPTIONS is answered by the
extension's automatic handlers: 204, CORS headers only with Access-Control-Request-Method.
`CORS_ORIGINS="*"` with `CORS_SUPPORTS_CREDENTIALS` stops the server at startup.

sanic-ext 24.12.0 and older (`sanic_ext_24`, for a project whose manifests pin it; read from
the wheels of 22.6.3-24.12.0, measured on 24.12.0 with sanic 24.12.0): a string origin is
escaped but not anchored, so `re.match` admits every Origin that starts with it
(`https://shop.example.com` admits `https://shop.example.com.evil.test`), and `Vary: origin`
is sent only when more than one origin is configured."""

from __future__ import annotations

import dataclasses
import functools
import re
from typing import Any

import corslint.frameworks.bounded_regex as bounded_regex
from corslint.frameworks.framework import Framework, LibraryCheck, Options, OriginEntry, Responder
from corslint.http import HeaderList, Request, Response
from corslint.model import CorsPolicy, Regex, Value

WILDCARD = ".*"
DEFAULTS: dict[str, Any] = {
    "CORS_ALLOW_HEADERS": "*",
    "CORS_ALWAYS_SEND": True,
    "CORS_AUTOMATIC_OPTIONS": True,
    "CORS_EXPOSE_HEADERS": "",
    "CORS_MAX_AGE": 5,
    "CORS_METHODS": "",
    "CORS_ORIGINS": "",
    "CORS_SEND_WILDCARD": False,
    "CORS_SUPPORTS_CREDENTIALS": False,
}
# the methods of a route, as Sanic's router groups them: a GET route answers HEAD, and
# the extension's automatic OPTIONS handler is one of them
_ROUTE_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")


def _option(policy: CorsPolicy, name: str) -> Any:
    if name == "routes":
        if policy.routes is None:
            return None
        methods = {method for route in policy.routes for method in route.methods}
        if "GET" in methods:
            methods.add("HEAD")
        return frozenset(method.lower() for method in methods | {"OPTIONS"})
    value = policy.option(name)
    return DEFAULTS[name] if value is None else value.plain()


def _names(value: Any) -> frozenset[str]:
    """`_parse_allow_headers` / `_parse_allow_methods`: a list, or a comma-separated string."""
    if not value:
        return frozenset()
    items = value if isinstance(value, (list, tuple, set, frozenset)) else str(value).split(",")
    return frozenset(str(item).lower() for item in items)


def _patterns(value: Any, anchored: bool = True) -> tuple[str | Regex, ...]:
    """`_parse_allow_origins`: each entry as the pattern it becomes (strings escaped, `$`
    after them from sanic-ext 25.12 on: before, a prefix)."""
    end = "$" if anchored else ""
    if value and isinstance(value, str):
        entries: list[Any] = [WILDCARD] if value == "*" else [entry.strip() for entry in value.split(",")]
        return tuple(e if e == WILDCARD else re.escape(e) + end for e in entries)
    if isinstance(value, Regex):
        return (value,)
    if isinstance(value, (list, tuple)):
        return tuple(e if isinstance(e, Regex) else re.escape(str(e)) + end for e in value)
    return ()


def _matches(pattern: str | Regex, origin: str) -> bool:
    if isinstance(pattern, Regex):
        flags = re.IGNORECASE if "i" in pattern.flags else 0
        return bool(bounded_regex.match(pattern.pattern, origin, flags))
    return bool(bounded_regex.match(pattern, origin, 0))


def respond(policy: CorsPolicy, request: Request) -> Response:
    return _respond(Options(policy, _option), request)


def responder(policy: CorsPolicy) -> Responder:
    return functools.partial(_respond, Options(policy, _option))


def respond_24(policy: CorsPolicy, request: Request) -> Response:
    return _respond(Options(policy, _option), request, legacy=True)


def responder_24(policy: CorsPolicy) -> Responder:
    return functools.partial(_respond, Options(policy, _option), legacy=True)


def _respond(options: Options, request: Request, legacy: bool = False) -> Response:
    automatic = bool(options["CORS_AUTOMATIC_OPTIONS"])
    status = 204 if request.method == "OPTIONS" and automatic else None
    preflight = automatic and request.method == "OPTIONS"
    if preflight and not request.header("access-control-request-method"):
        return Response(status)
    patterns = _patterns(options["CORS_ORIGINS"], anchored=not legacy)
    origin = _allow_origin(options, patterns, request)
    if not origin:
        return Response(status)
    headers = HeaderList()
    headers.set("Access-Control-Allow-Origin", origin)
    with_credentials = request.credentials or request.header("authorization") is not None
    expose = _names(options["CORS_EXPOSE_HEADERS"])
    if not with_credentials and "*" in expose:
        headers.set("Access-Control-Expose-Headers", "*")
    elif expose:
        headers.set("Access-Control-Expose-Headers", ",".join(sorted(expose)))
    if options["CORS_SUPPORTS_CREDENTIALS"]:
        headers.set("Access-Control-Allow-Credentials", "true")
    if (len(patterns) > 1) if legacy else origin != "*":
        headers.set("Vary", "origin")
    if preflight:
        max_age = options["CORS_MAX_AGE"]
        if max_age:
            headers.set("Access-Control-Max-Age", str(max_age))
        allowed = _names(options["CORS_ALLOW_HEADERS"])
        requested = {
            h.strip().lower() for h in (request.header("access-control-request-headers") or "").split(",")
        }
        names = {"*"} if not with_credentials and "*" in allowed else requested & allowed
        if names:
            headers.set("Access-Control-Allow-Headers", ",".join(sorted(names)))
        methods = _methods(options, with_credentials, request)
        if methods:
            headers.set("Access-Control-Allow-Methods", ",".join(sorted(methods)).upper())
    return headers.response(status)


def _allow_origin(options: Options, patterns: tuple[str | Regex, ...], request: Request) -> str:
    if request.origin:
        if options["CORS_SEND_WILDCARD"] and WILDCARD in patterns:
            return "*"
        return request.origin if any(_matches(p, request.origin) for p in patterns) else ""
    if not options["CORS_ALWAYS_SEND"]:
        return ""
    if WILDCARD in patterns:
        return "*"
    configured = options["CORS_ORIGINS"]
    return configured if isinstance(configured, str) and "," not in configured else ""


def _methods(options: Options, with_credentials: bool, request: Request) -> frozenset[str]:
    allowed = _names(options["CORS_METHODS"])
    if not with_credentials and "*" in allowed:
        return frozenset({"*"})
    routes: frozenset[str] | None = options["routes"]
    if routes is None:
        # the route's own methods are not known: the one the page asks for, if listed
        asked = (request.header("access-control-request-method") or "").lower()
        routes = frozenset({asked, "options"})
    return routes & allowed if allowed else routes


def origin_entries(policy: CorsPolicy) -> tuple[OriginEntry, ...]:
    origins = policy.option("CORS_ORIGINS")
    if origins is None or not origins.known:
        return ()
    if isinstance(origins.raw, str) and origins.raw != "*":
        # `_parse_allow_origins` splits a string at commas and strips each entry
        parts = [part.strip() for part in origins.raw.split(",")] if "," in origins.raw else [origins.raw]
        return tuple(
            OriginEntry(
                Value(
                    part,
                    origins.location,
                    origins.provenance,
                    origins.env_var,
                    origins.description,
                    origins.related,
                ),
                "literal",
            )
            for part in parts
            if part
        )
    return tuple(
        OriginEntry(entry, "regex" if isinstance(entry.raw, Regex) else "literal")
        for entry in origins.entries
        if not (entry.known and entry.raw == "*")
    )


def prefix_entries(policy: CorsPolicy) -> tuple[OriginEntry, ...]:
    """sanic-ext 24 and older: a string origin admits what starts with it, a looser test
    than equality, judged as Starlette's substring test is (CORS104)."""
    return tuple(
        OriginEntry(entry.value, "substring") if entry.kind == "literal" else entry
        for entry in origin_entries(policy)
    )


def library_checks(policy: CorsPolicy) -> tuple[LibraryCheck, ...]:
    """`CORS_ORIGINS="*"` with credentials: SanicException while the server starts."""
    origins, credentials = policy.option("CORS_ORIGINS"), policy.option("CORS_SUPPORTS_CREDENTIALS")
    if origins is None or credentials is None or not (origins.known and credentials.known):
        return ()
    if origins.raw != "*" or not credentials.raw:
        return ()
    return (
        LibraryCheck(
            "SanicException at startup",
            "origins",
            'cors_origins="*" together with cors_supports_credentials=True makes Sanic Extensions '
            "raise SanicException while the server starts: the application never serves a request",
            origins.location,
        ),
    )


FRAMEWORK = Framework(
    name="sanic_ext",
    display="Sanic Extensions CORS",
    respond=respond,
    roles={
        "origins": ("CORS_ORIGINS",),
        "credentials": ("CORS_SUPPORTS_CREDENTIALS",),
        "methods": ("CORS_METHODS",),
        "headers": ("CORS_ALLOW_HEADERS",),
        "expose": ("CORS_EXPOSE_HEADERS",),
        "max_age": ("CORS_MAX_AGE",),
    },
    origin_entries=origin_entries,
    library_checks=library_checks,
    responder=responder,
)
# sanic-ext 24.12.0 and older: string origins are prefixes (see the module's docstring)
FRAMEWORK_24 = dataclasses.replace(
    FRAMEWORK,
    name="sanic_ext_24",
    display="Sanic Extensions CORS (sanic-ext 24 or older)",
    respond=respond_24,
    origin_entries=prefix_entries,
    responder=responder_24,
)
FRAMEWORKS = (FRAMEWORK, FRAMEWORK_24)
