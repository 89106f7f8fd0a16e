"""The routes of Flask-RESTX / Flask-RESTful resources, for an app whose hand-written
hooks answer every request: `@ns.route("/users/<int:id>/status")` on a `Resource` class
(or `api.add_resource(UserStatus, "/users/<int:id>/status")`), each handler method one
HTTP method (chrono2k/gradmateAPI: `def patch(...)` in api/auth.py, the hooks in cors.py).
Those modules need not mention CORS, so they are found by their bytes."""

from __future__ import annotations

import ast

from corslint.extractors.context import ProjectContext
from corslint.extractors.python import PythonModule
from corslint.extractors.python_headers.frame import dotted
from corslint.extractors.python_headers.project_scan import modules_mentioning
from corslint.extractors.python_headers.unit import import_roots
from corslint.model import Route

RESOURCE_PACKAGES = frozenset({"flask_restx", "flask_restful", "flask_restplus"})
VERBS = {"get": "GET", "post": "POST", "put": "PUT", "patch": "PATCH", "delete": "DELETE"}


def resource_routes(module: PythonModule, context: ProjectContext) -> tuple[Route, ...] | None:
    """The resource routes of the project `module` belongs to; None when it has none."""
    routes: list[Route] = []
    for other in [module, *modules_mentioning(module, context, b"Resource", b"flask_rest")]:
        if not import_roots(other) & RESOURCE_PACKAGES:
            continue
        routes += _module_routes(other)
    return tuple(routes) or None


def _module_routes(module: PythonModule) -> list[Route]:
    resources: dict[str, tuple[str, ...]] = {}
    routes: list[Route] = []
    for node in ast.walk(module.tree):
        if not isinstance(node, ast.ClassDef):
            continue
        if not any(dotted(base).rsplit(".", 1)[-1] == "Resource" for base in node.bases):
            continue
        methods = tuple(
            VERBS[item.name]
            for item in node.body
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name in VERBS
        )
        if not methods:
            continue
        resources[node.name] = methods
        for decorator in node.decorator_list:
            path = _route_path(decorator, "route")
            if path is not None:
                routes.append(Route(path, methods, module.location(node)))
    for call in module.calls:  # api.add_resource(UserStatus, "/users/<int:id>/status")
        if (
            isinstance(call.func, ast.Attribute)
            and call.func.attr == "add_resource"
            and len(call.args) >= 2
            and isinstance(call.args[0], ast.Name)
            and call.args[0].id in resources
        ):
            path = _constant(call.args[1])
            if path is not None:
                routes.append(Route(path, resources[call.args[0].id], module.location(call)))
    return routes


def _route_path(node: ast.expr, method: str) -> str | None:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == method:
        return _constant(node.args[0]) if node.args else None
    return None


def _constant(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None
