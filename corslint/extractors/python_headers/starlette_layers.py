"""A Starlette / FastAPI route or response helper that writes Access-Control-* headers on
an app that also has Starlette's CORSMiddleware: one app, two layers (CORS302).

Measured with Starlette 1.10 (tests/test_differential_starlette_layers.py): the
middleware answers every preflight itself, so the route never sees one; on the other
requests it `update`s the route's headers with its own, so an allowed Origin gets the
middleware's Allow-Origin and a refused one keeps the route's (`*` reaches every origin
the middleware refuses). The route's policy gets the app key the Starlette extractor
gives `app.add_middleware(CORSMiddleware, ...)` (`<resolved path>::<receiver>`)."""

from __future__ import annotations

import ast

from corslint.extractors.context import ProjectContext
from corslint.extractors.python import PythonModule
from corslint.extractors.python_headers.frame import dotted
from corslint.extractors.python_headers.project_scan import modules_mentioning
from corslint.extractors.python_headers.server_units import starlette_app_key
from corslint.extractors.python_headers.unit import Unit

APP_CLASSES = frozenset({"FastAPI", "Starlette"})
WRITERS = frozenset({"view", "helper"})


def key_to_app(module: PythonModule, units: list[Unit], context: ProjectContext) -> None:
    """Give the routes and helpers the key of the one app with CORSMiddleware they run on."""
    writers = [u for u in units if u.kind == "starlette" and u.role in WRITERS and not u.app]
    if not writers:
        return
    app = _only_app(module, context)
    if app is None:
        return
    for unit in writers:
        unit.app = app
        unit.options_status = "unknown"  # CORSMiddleware answers the preflights


def _only_app(module: PythonModule, context: ProjectContext) -> str | None:
    """The key of the project's app that has CORSMiddleware added at module level, when
    the project makes one app only (several apps: which one serves the route is not read)."""
    makers = [module, *modules_mentioning(module, context, b"FastAPI(")]
    makers += [m for m in modules_mentioning(module, context, b"Starlette(") if m not in makers]
    apps: list[tuple[PythonModule, str]] = []
    for maker in makers:
        apps += [(maker, name) for name in _apps_made(maker)]
    if len(apps) != 1:
        return None
    maker, receiver = apps[0]
    for call in maker.calls:
        if (
            isinstance(call.func, ast.Attribute)
            and call.func.attr == "add_middleware"
            and call.args
            and dotted(call.args[0]).rsplit(".", 1)[-1] == "CORSMiddleware"
            and dotted(call.func.value) == receiver
            and not _in_function(maker, call)
        ):
            return starlette_app_key(maker, call, receiver)
    return None


def _apps_made(module: PythonModule) -> list[str]:
    """Module-level names bound to `FastAPI(...)` / `Starlette(...)`."""
    names: list[str] = []
    for statement in module.tree.body:
        if (
            isinstance(statement, (ast.Assign, ast.AnnAssign))
            and isinstance(statement.value, ast.Call)
            and dotted(statement.value.func).rsplit(".", 1)[-1] in APP_CLASSES
        ):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            names += [t.id for t in targets if isinstance(t, ast.Name)]
    return names


def _in_function(module: PythonModule, call: ast.Call) -> bool:
    return any(
        call is node
        for statement in module.tree.body
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        for node in ast.walk(statement)
    )
