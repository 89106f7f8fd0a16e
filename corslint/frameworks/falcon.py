"""Falcon's built-in ``CORSMiddleware`` and ``falcon.App(cors_enable=True)`` (measured on falcon 4.4.0).

The middleware only decorates the answers of the app (docs/semantics/falcon.md): OPTIONS
is answered by Falcon's default responder (200, `Allow` = the resource's responders),
which the middleware turns into a preflight answer with Allow-Methods taken from
`Allow`, Allow-Headers reflecting the request's and Max-Age 86400. It never refuses a
preflight itself and never sends `Vary: Origin`.
"""

from __future__ import annotations

import functools
from typing import Any

from corslint.frameworks.framework import Framework, LibraryCheck, Options, OriginEntry, Responder, Role
from corslint.http import HeaderList, Request, Response
from corslint.model import CorsPolicy

DEFAULTS: dict[str, Any] = {
    "allow_origins": "*",
    "expose_headers": None,
    "allow_credentials": None,
    "allow_private_network": False,
}


def _option(policy: CorsPolicy, name: str) -> Any:
    if name == "routes":
        if policy.routes is None:
            return None
        return tuple(sorted({method for route in policy.routes for method in route.methods} - {"OPTIONS"}))
    if name == "vary_beside":
        return any(evidence.kind == "vary-origin-beside" for evidence in policy.evidence)
    value = policy.option(name)
    plain = DEFAULTS[name] if value is None else value.plain()
    if name in {"allow_origins", "allow_credentials"} and plain not in ("*", None):
        return frozenset([plain] if isinstance(plain, str) else plain)
    if name == "expose_headers" and plain is not None and not isinstance(plain, str):
        return ", ".join(plain)
    return plain


def respond(policy: CorsPolicy, request: Request) -> Response:
    return _respond(Options(policy, _option), request)


def responder(policy: CorsPolicy) -> Responder:
    return functools.partial(_respond, Options(policy, _option))


def _allow_header(options: Options, request: Request) -> str:
    """The `Allow` of Falcon's default OPTIONS responder: the resource's responders,
    sorted. Where the app's resources are not known, the one the page asks for."""
    routes = options["routes"]
    if routes is None:
        return request.header("access-control-request-method") or ""
    return ", ".join(routes)


def _respond(options: Options, request: Request) -> Response:
    status = 200 if request.method == "OPTIONS" else None  # the default OPTIONS responder
    headers = HeaderList()
    if options["vary_beside"]:
        # the project's own middleware in the same list writes it on every response
        headers.set("Vary", "Origin")
    origin = request.origin
    if origin is None:
        return headers.response(status)
    allow_origins = options["allow_origins"]
    if allow_origins != "*" and origin not in allow_origins:
        return headers.response(status)
    allow_credentials = options["allow_credentials"]
    set_origin = "*" if allow_origins == "*" else origin
    if allow_credentials == "*" or (allow_credentials is not None and origin in allow_credentials):
        set_origin = origin
        headers.set("Access-Control-Allow-Credentials", "true")
    headers.set("Access-Control-Allow-Origin", set_origin)
    if options["expose_headers"]:
        headers.set("Access-Control-Expose-Headers", options["expose_headers"])
    method = request.header("access-control-request-method")
    if request.method == "OPTIONS" and method:
        allow = _allow_header(options, request)
        if not allow:  # no `Allow`: every Access-Control header is taken off again
            return Response(status, (("vary", "Origin"),) if options["vary_beside"] else ())
        headers.set("Access-Control-Allow-Methods", allow)
        headers.set("Access-Control-Allow-Headers", request.header("access-control-request-headers") or "*")
        headers.set("Access-Control-Max-Age", "86400")
        if (
            options["allow_private_network"]
            and request.header("access-control-request-private-network") == "true"
        ):
            headers.set("Access-Control-Allow-Private-Network", "true")
    return headers.response(status)


def origin_entries(policy: CorsPolicy) -> tuple[OriginEntry, ...]:
    origins = policy.option("allow_origins")
    if origins is None or not origins.known:
        return ()
    return tuple(OriginEntry(entry, "literal") for entry in origins.entries)


def library_checks(policy: CorsPolicy) -> tuple[LibraryCheck, ...]:
    """CORSMiddleware.__init__ refuses `*` inside a list: the app fails to start."""
    checks: list[LibraryCheck] = []
    roles: tuple[tuple[str, Role], ...] = (("allow_origins", "origins"), ("allow_credentials", "credentials"))
    for name, role in roles:
        value = policy.option(name)
        if value is None or not value.known or not isinstance(value.raw, tuple):
            continue
        for entry in value.raw:
            if entry.known and entry.raw == "*":
                checks.append(
                    LibraryCheck(
                        "ValueError at startup",
                        role,
                        f'`"*"` inside a list passed to {name} makes CORSMiddleware raise ValueError; '
                        'the application fails to start (write `"*"` as a plain string)',
                        entry.location,
                    )
                )
    return tuple(checks)


FRAMEWORK = Framework(
    name="falcon",
    display="Falcon CORSMiddleware",
    respond=respond,
    roles={
        "origins": ("allow_origins",),
        "credentials": ("allow_credentials",),
        "expose": ("expose_headers",),
    },
    origin_entries=origin_entries,
    library_checks=library_checks,
    responder=responder,
)
