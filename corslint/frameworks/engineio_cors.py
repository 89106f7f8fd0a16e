"""python-engineio's CORS handling, under python-socketio and Flask-SocketIO
(`SocketIO(app, cors_allowed_origins="*")`), measured on python-engineio 4.15.1,
python-socketio 5.18.1 and Flask-SocketIO 5.7.0 (tests/test_differential_engineio_cors.py).

It answers the Socket.IO endpoint's HTTP long-polling requests (`/socket.io/`):
`cors_allowed_origins` `None` (the default) admits the server's own `scheme://Host` only,
`"*"` (or a list holding it) every Origin, a string or list those exactly (case-sensitive);
`[]` turns CORS handling off. A request whose Origin is not admitted is answered 400 with
no CORS headers. An admitted Origin is echoed, never `*`, with no `Vary`;
`Access-Control-Allow-Credentials: true` goes on every answer while `cors_credentials` is
on (the default); OPTIONS gets 200 with `Access-Control-Allow-Methods: OPTIONS, GET, POST`
and the requested headers echoed."""

from __future__ import annotations

import functools
from typing import Any

from corslint.frameworks.framework import Framework, Options, OriginEntry, Responder
from corslint.http import HeaderList, Request, Response
from corslint.model import CorsPolicy

DEFAULTS: dict[str, Any] = {"cors_allowed_origins": None, "cors_credentials": True}
# the server's own origin, which the default admits: never an origin the rules probe with
OWN_ORIGIN = "http://socketio-server.invalid"


def _option(policy: CorsPolicy, name: str) -> Any:
    value = policy.option(name)
    return DEFAULTS[name] if value is None else value.plain()


def respond(policy: CorsPolicy, request: Request) -> Response:
    return _respond(Options(policy, _option), request)


def responder(policy: CorsPolicy) -> Responder:
    return functools.partial(_respond, Options(policy, _option))


def _admitted(configured: Any) -> tuple[str, ...] | None:
    """`_cors_allowed_origins`: None admits every origin."""
    if configured is None:
        return (OWN_ORIGIN,)
    if configured == "*":
        return None
    if isinstance(configured, str):
        return (configured,)
    if "*" in configured:
        return None
    return tuple(configured)


def _respond(options: Options, request: Request) -> Response:
    status = 200 if request.method == "OPTIONS" else None  # the handshake or poll answers the rest
    configured = options["cors_allowed_origins"]
    if configured == [] or configured == ():
        return Response(status)  # CORS handling off
    admitted = _admitted(configured)
    origin = request.origin
    if origin and admitted is not None and origin not in admitted:
        return Response(400)  # "Not an accepted origin."
    headers = HeaderList()
    if origin:
        headers.add("Access-Control-Allow-Origin", origin)
    if request.method == "OPTIONS":
        headers.add("Access-Control-Allow-Methods", "OPTIONS, GET, POST")
    requested = request.header("access-control-request-headers")
    if requested is not None:
        headers.add("Access-Control-Allow-Headers", requested)
    if options["cors_credentials"]:
        headers.add("Access-Control-Allow-Credentials", "true")
    return headers.response(status)


def origin_entries(policy: CorsPolicy) -> tuple[OriginEntry, ...]:
    origins = policy.option("cors_allowed_origins")
    if origins is None or not origins.known or origins.raw == "*":
        return ()
    return tuple(OriginEntry(entry, "literal") for entry in origins.entries if entry.raw != "*")


FRAMEWORK = Framework(
    name="engineio",
    display="Socket.IO (python-engineio)",
    respond=respond,
    roles={"origins": ("cors_allowed_origins",), "credentials": ("cors_credentials",)},
    origin_entries=origin_entries,
    responder=responder,
)
