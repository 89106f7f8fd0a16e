"""A Starlette `BaseHTTPMiddleware` subclass that writes Access-Control-* headers in one
module and is added, in another, to an app that also has Starlette's CORSMiddleware:
`app.add_middleware(CORSMiddleware, ...)` then `app.add_middleware(HeadersMiddleware)` in
main.py, the class in middlewares/headers_middleware.py (TU-NEBULA/nebula-ai, set 18).

Measured with Starlette 1.10 (tests/test_differential_starlette_added_elsewhere.py):
`add_middleware` puts the last-added layer outermost. Either way round, CORSMiddleware
answers every preflight (the outer class writes over its answer, or the inner class never
sees it), so the class's own lack of an OPTIONS answer breaks nothing (no CORS206); on
the other requests the outer layer's headers replace the inner one's of the same name and
the rest are mixed (`*` from the class beside the inner `Allow-Credentials: true`): one
app, two layers (CORS302), reported where the class is added (`layer-wiring`)."""

from __future__ import annotations

import ast

from corslint.extractors.context import ProjectContext
from corslint.extractors.python import PythonModule
from corslint.extractors.python_headers.frame import dotted
from corslint.extractors.python_headers.project_scan import modules_mentioning
from corslint.extractors.python_headers.server_units import starlette_app_key
from corslint.extractors.python_headers.unit import Unit
from corslint.model import Evidence


def key_added_elsewhere(module: PythonModule, units: list[Unit], context: ProjectContext) -> None:
    """Give a middleware class of this module that another module adds to an app with
    CORSMiddleware that app's key; its preflights are CORSMiddleware's answers."""
    for unit in units:
        if unit.kind != "starlette" or unit.role != "middleware" or unit.app:
            continue
        owner = next((p.owner for p in unit.phases if isinstance(p.owner, ast.ClassDef)), None)
        if owner is None or owner not in module.tree.body:
            continue
        found = _added_beside_cors(module, owner, context)
        if found is None:
            continue
        registrar, call, key = found
        unit.app = key
        unit.options_status = "unknown"  # CORSMiddleware answers the preflights
        unit.evidence = (
            *unit.evidence,
            Evidence("layer-wiring", f"add_middleware({owner.name})", registrar.location(call)),
        )


def _added_beside_cors(
    module: PythonModule, owner: ast.ClassDef, context: ProjectContext
) -> tuple[PythonModule, ast.Call, str] | None:
    """The one `app.add_middleware(Owner)` of another module, when that module adds
    CORSMiddleware to the same app (same receiver, same enclosing functions)."""
    stem = module.path.rsplit("/", 1)[-1].removesuffix(".py")
    found: list[tuple[PythonModule, ast.Call, str]] = []
    for other in modules_mentioning(
        module, context, b"add_middleware", b"CORSMiddleware", owner.name.encode()
    ):
        if other.path == module.path:
            continue
        cors_keys = {
            starlette_app_key(other, call, dotted(call.func.value))
            for call in _adds(other)
            if isinstance(call.func, ast.Attribute) and _library_cors(other, call.args[0])
        }
        for call in _adds(other):
            if not isinstance(call.func, ast.Attribute) or dotted(call.args[0]) != owner.name:
                continue
            qualified = other.qualified_name(call.args[0]) or ""
            if not qualified.endswith(f"{stem}.{owner.name}"):
                continue  # a class of the same name from elsewhere
            key = starlette_app_key(other, call, dotted(call.func.value))
            if key in cors_keys:
                found.append((other, call, key))
    return found[0] if len(found) == 1 else None


def _adds(module: PythonModule) -> list[ast.Call]:
    return [
        call
        for call in module.calls
        if isinstance(call.func, ast.Attribute) and call.func.attr == "add_middleware" and call.args
    ]


def _library_cors(module: PythonModule, node: ast.expr) -> bool:
    """Starlette's (or FastAPI's re-export of) CORSMiddleware."""
    qualified = module.qualified_name(node) or ""
    return qualified.endswith("middleware.cors.CORSMiddleware")
