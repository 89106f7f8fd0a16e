"""The CORS options of a Python Socket.IO server, read with `ast`: Flask-SocketIO's
`SocketIO(app, cors_allowed_origins=..., cors_credentials=...)` (or `SocketIO(...)` then
`socketio.init_app(app, ...)`), python-socketio's `Server(...)` / `AsyncServer(...)` and
python-engineio's own. python-engineio applies them (frameworks/engineio_cors.py).

Seen in 0-Izrah/W-Chat (app.py: `SocketIO(app, cors_allowed_origins="*")`) and
3927o/ThunderClass (app/extensions.py, beside Flask-CORS). A server without a `cors_*`
option admits its own origin only: nothing to report, no policy."""

from __future__ import annotations

import ast

from corslint.extractors.context import ProjectContext
from corslint.extractors.python import PythonModule, is_development_path
from corslint.extractors.python.call_options import arms
from corslint.extractors.python.syntax import dotted_name
from corslint.model import CorsPolicy, Evidence, Extraction, Route, Value

SERVERS = frozenset(
    {
        "flask_socketio.SocketIO",
        "socketio.Server",
        "socketio.AsyncServer",
        "engineio.Server",
        "engineio.AsyncServer",
    }
)
OPTIONS = ("cors_allowed_origins", "cors_credentials")
ENDPOINT = "/socket.io/"


def extract(path: str, text: str, context: ProjectContext) -> Extraction:
    module = context.python.parse(path, text)
    made = _servers_made(module)
    policies: list[CorsPolicy] = []
    for call in module.calls:
        qualified = module.qualified_name(call.func) or ""
        is_init = (
            isinstance(call.func, ast.Attribute)
            and call.func.attr == "init_app"
            and (dotted_name(call.func.value) in made or _made_elsewhere(module, call.func.value))
        )
        if qualified not in SERVERS and not is_init:
            continue
        keywords = {k.arg: k.value for k in call.keywords if k.arg in OPTIONS}
        if not keywords:
            continue
        if any(k.arg is None for k in call.keywords):
            continue  # `**options`: which options are set is not read
        options: dict[str, Value] = {name: module.resolve(node) for name, node in keywords.items()}
        location = module.location(call)
        real = module.real_path()
        policies.append(
            CorsPolicy(
                framework="engineio",
                location=location,
                options=options,
                development_only=is_development_path(path),
                label="Socket.IO server",
                app=f"{real}::socketio@{location.line}:{location.column}",
                branch=arms(module, call),
                probe_path=ENDPOINT,
                # long-polling uses GET and POST only
                routes=(Route(ENDPOINT, ("GET", "POST", "OPTIONS"), location),),
                # Engine.IO clients add a fresh `t=` cache-buster to every polling request
                evidence=(
                    Evidence(
                        "uncacheable-responses", "Engine.IO polling URLs carry a cache-buster", location
                    ),
                ),
            )
        )
    return Extraction(policies=tuple(policies))


def _servers_made(module: PythonModule) -> set[str]:
    """Names bound to a server made here (`socketio = SocketIO()`), whose `init_app` configures it."""
    names: set[str] = set()
    for node in ast.walk(module.tree):
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Call)
            and (module.qualified_name(node.value.func) or "") in SERVERS
        ):
            names.update(dotted_name(t) for t in node.targets)
    return names - {""}


def _made_elsewhere(module: PythonModule, node: ast.expr) -> bool:
    """`from app.extensions import socketio` where that module binds `socketio = SocketIO()`."""
    qualified = module.qualified_name(node) or ""
    if module.project is None or "." not in qualified:
        return False
    found = module.project.lookup(module, qualified)
    if found is None or found[0] is module:
        return False
    home, name = found
    bound = home.binding(name)
    return (
        bound is not None
        and isinstance(bound[1], ast.Call)
        and (home.qualified_name(bound[1].func) or "") in SERVERS
    )
