"""Flask-JWT-Extended behind a hand-written Flask CORS hook: the app reads its tokens from
the `Authorization: Bearer` header (the library's default `JWT_TOKEN_LOCATION` is
`["headers"]`), so cross-origin preflights must allow that header (CORS204).

The hook's module, or a project module it imports (followed a few imports deep: `from
app import create_app`, then `from app import extensions`), must use `flask_jwt_extended`;
the evidence is where a route is guarded (`@jwt_required()`, `verify_jwt_in_request()`)
in any project module, those usually sit in blueprints loaded by name (Rubenrod18/flask_api
src/manage.py's `after_request` and src/app/blueprints/users.py). A project that sets
`JWT_TOKEN_LOCATION` anywhere is left alone: its tokens may travel in cookies or the query
string instead.
"""

from __future__ import annotations

import ast

from corslint.extractors.context import ProjectContext
from corslint.extractors.python import PythonModule
from corslint.extractors.python_headers.project_scan import modules_mentioning
from corslint.model import Evidence

_LIBRARY = "flask_jwt_extended"
_GUARDS = frozenset(
    f"{_LIBRARY}.{name}"
    for name in (
        "jwt_required",
        "verify_jwt_in_request",
        "fresh_jwt_required",
        "jwt_refresh_token_required",
        "view_decorators.jwt_required",
        "view_decorators.verify_jwt_in_request",
    )
)
_DEPTH = 3
_MAX_MODULES = 60


def jwt_bearer(module: PythonModule, context: ProjectContext) -> tuple[Evidence, ...]:
    if module.project is None or b"JWT_TOKEN_LOCATION" in module.text.encode():
        return ()
    users = modules_mentioning(module, context, _LIBRARY.encode())
    # the evidence is a guard in this module or in one naming the library: a byte scan
    # settles most projects before the import walk parses anything
    if not users and _guard(module) is None:
        return ()
    if not _reaches_library(module):
        return ()
    if modules_mentioning(module, context, b"JWT_TOKEN_LOCATION"):
        return ()
    for other in [module, *users]:
        guard = _guard(other)
        if guard is not None:
            name = (other.qualified_name(guard) or "").rsplit(".", 1)[-1]
            return (
                Evidence(
                    "bearer-auth",
                    f"Flask-JWT-Extended's {name} (Authorization header)",
                    other.location(guard),
                ),
            )
    return ()


def _reaches_library(start: PythonModule) -> bool:
    """`start` or a project module it imports, directly or a few imports on, imports
    flask_jwt_extended."""
    seen: list[PythonModule] = [start]
    frontier = [start]
    for _ in range(_DEPTH + 1):
        following: list[PythonModule] = []
        for current in frontier:
            if any(q == _LIBRARY or q.startswith(_LIBRARY + ".") for q in current.imports.values()):
                return True
            for qualified in set(current.imports.values()):
                if current.project is None or len(seen) >= _MAX_MODULES:
                    break
                # `from app import create_app` names a function of the package `app`
                path = current.project.find_module(current, qualified) or (
                    current.project.find_module(current, qualified.rsplit(".", 1)[0])
                    if "." in qualified
                    else None
                )
                other = current.project.module_at(path) if path is not None else None
                if other is not None and all(other is not s for s in seen):
                    seen.append(other)
                    following.append(other)
        frontier = following
    return False


def _guard(module: PythonModule) -> ast.expr | None:
    """The first `@jwt_required()` / `verify_jwt_in_request()` of the module."""
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Call) and (module.qualified_name(node.func) or "") in _GUARDS:
            return node.func
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for decorator in node.decorator_list:
                if (module.qualified_name(decorator) or "") in _GUARDS:
                    return decorator
    return None
