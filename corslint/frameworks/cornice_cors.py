"""Cornice (Pyramid) service CORS: `Service(..., cors_origins=..., cors_credentials=...)`,
`cors_policy={"origins": ..., "credentials": ..., "headers": ..., "max_age": ...}`, and the
same keywords on `@resource(...)` (cornice 6.1.0 on Pyramid 2.1).

Read from `cornice.cors` / `cornice.service` and checked against them
(tests/test_differential_cornice_cors.py). Options are named without their `cors_` prefix
(`cors_policy` keys are merged under the keywords). CORS is on when `origins` is not empty
or `enabled` is true (and off when `enabled` is false). Origins are shell globs
(`fnmatch.fnmatchcase`: `*` crosses dots). No `Vary` is ever sent.

- Allow-Origin, for an Origin some glob matches: the Origin itself when credentials are on
  (even for `*`), else `*` when `*` is listed, else the Origin. An Origin no glob matches
  makes the request fail validation: 400, without Allow-Origin.
- `Allow-Credentials: true` (credentials on) and `Expose-Headers` (`headers`, simple
  requests) are added to every response, refused or not, with an Origin or not (a method
  no view serves gets Pyramid's 405, without Expose-Headers).
- A preflight (cornice's OPTIONS view) needs an Origin and a supported
  `Access-Control-Request-Method`, else 400; it answers `Allow-Headers` (`headers` plus
  every requested header, unless `expose_all_headers` is false, when each must be listed),
  `Allow-Methods` (the service's methods, HEAD after GET, OPTIONS last) and `Max-Age`.
"""

from __future__ import annotations

import fnmatch
import functools
from typing import Any

from corslint.frameworks.framework import Framework, Options, OriginEntry, Responder
from corslint.http import HeaderList, Request, Response
from corslint.model import CorsPolicy, Regex, Value

DEFAULTS: dict[str, Any] = {
    "origins": (),
    "credentials": False,
    "headers": (),
    "max_age": None,
    "expose_all_headers": True,
    "enabled": None,
}
# a service whose views are not known: taken to define these
SERVICE_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _option(policy: CorsPolicy, name: str) -> Any:
    value = policy.option(name)
    if value is None:
        return DEFAULTS[name]
    plain = value.plain()
    if name in ("origins", "headers") and isinstance(plain, str):
        return (plain,)  # cornice's to_list
    return plain


def supported_methods(policy: CorsPolicy) -> list[str]:
    """`Service.cors_supported_methods`: each view's method in definition order, HEAD
    right after GET, OPTIONS (the preflight view) last."""
    defined = SERVICE_METHODS if policy.routes is None else [m for r in policy.routes for m in r.methods]
    methods: list[str] = []
    for method in defined:
        for name in (method.upper(), "HEAD") if method.upper() == "GET" else (method.upper(),):
            if name not in methods:
                methods.append(name)
    if "OPTIONS" not in methods:
        methods.append("OPTIONS")
    return methods


def respond(policy: CorsPolicy, request: Request) -> Response:
    return _respond(Options(policy, _option), request, tuple(supported_methods(policy)))


def responder(policy: CorsPolicy) -> Responder:
    return functools.partial(_respond, Options(policy, _option), methods=tuple(supported_methods(policy)))


def _allowed(options: Options, origin: str) -> bool:
    return any(fnmatch.fnmatchcase(origin, str(glob)) for glob in options["origins"])


def _respond(options: Options, request: Request, methods: tuple[str, ...]) -> Response:
    headers = HeaderList()
    enabled = options["enabled"]
    if enabled is False or not (options["origins"] or enabled):
        unserved = request.method != "OPTIONS" and request.method not in methods
        return headers.response(405 if unserved else None)
    origin = request.origin
    failed = unrouted = False
    if request.method == "OPTIONS":
        requested_method = request.header("access-control-request-method")
        requested = [h.strip() for h in (request.header("access-control-request-headers") or "").split(",")]
        requested = [h for h in requested if h]
        if not origin or not requested_method or requested_method not in methods:
            failed = True
        elif not options["expose_all_headers"]:
            listed = {str(name).lower() for name in options["headers"]}
            failed = any(name.lower() not in listed for name in requested)
        if origin and not _allowed(options, origin):
            failed = True
        if not failed:
            # with expose_all_headers false, cornice's check consumes the requested headers'
            # iterator, so only the listed names are sent
            echoed = requested if options["expose_all_headers"] else []
            headers.set("Access-Control-Allow-Headers", ",".join({*map(str, options["headers"]), *echoed}))
            headers.set("Access-Control-Allow-Methods", ",".join(methods))
            if options["max_age"] is not None:
                headers.set("Access-Control-Max-Age", str(options["max_age"]))
    elif request.method not in methods:
        unrouted = True  # no view: Pyramid's 405, without cornice's validation
    elif origin and not _allowed(options, origin):
        failed = True
    credentials = bool(options["credentials"])
    if origin and _allowed(options, origin):
        star = any(str(glob) == "*" for glob in options["origins"])
        headers.set("Access-Control-Allow-Origin", origin if credentials or not star else "*")
    if credentials:
        headers.set("Access-Control-Allow-Credentials", "true")
    if request.method != "OPTIONS" and options["headers"] and not unrouted:
        headers.set("Access-Control-Expose-Headers", ", ".join(map(str, options["headers"])))
    if unrouted:
        return headers.response(405)
    return headers.response(400 if failed else (200 if request.method == "OPTIONS" else None))


def origin_entries(policy: CorsPolicy) -> tuple[OriginEntry, ...]:
    value = policy.option("origins")
    if value is None or not value.known:
        return ()
    entries: list[OriginEntry] = []
    for item in value.entries:
        if not item.known or not isinstance(item.raw, str) or item.raw == "*":
            continue
        if any(char in item.raw for char in "*?["):
            glob = Value(Regex(fnmatch.translate(item.raw)), item.location, item.provenance)
            entries.append(OriginEntry(glob, "regex"))
        else:
            entries.append(OriginEntry(item, "literal"))
    return tuple(entries)


FRAMEWORK = Framework(
    name="cornice",
    display="Cornice service CORS",
    respond=respond,
    roles={
        "origins": ("origins",),
        "credentials": ("credentials",),
        "headers": ("headers",),
        "max_age": ("max_age",),
    },
    origin_entries=origin_entries,
    unread_options="cors settings passed as `**kwargs`",
    responder=responder,
)
