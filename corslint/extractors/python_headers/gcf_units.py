"""Google Cloud Functions (Python): a function decorated `@functions_framework.http` is
called with a Flask request for every method, OPTIONS included, and what it returns is
made into a Flask response (`(body, status, headers)` tuples as a Flask view's). Read
as a Flask view; its policies are named for Cloud Functions.

Seen in kevinmccartney/the-game (the-game-api/user-points-options/main.py), the shape of
Google's own `functions_cors` sample: a preflight answered from a headers dict with
Max-Age 3600 or 86400, and ACAO `*` on the other answers.

The decorator is optional: `gcloud functions deploy NAME --runtime python311 --trigger-http`
serves a module-level function of `main.py` (the runtime's required file name) the same way
(census 10 B1, esranrzm/SWE590-SPRING25 serverless/main.py; Google's older `functions_cors`
sample). An undecorated function is read so only when it has that shape: in `main.py`, one
parameter named `request`, a `request.method == "OPTIONS"` test, a `(body, status,
headers)` tuple returned, and no web application made in the module (a Flask/FastAPI app's
own views are not entry points)."""

from __future__ import annotations

import ast
from pathlib import PurePath

from corslint.extractors.python import PythonModule
from corslint.extractors.python_headers.unit import Function, Phase, Unit, parameters, writes_cors
from corslint.frameworks.python_headers import INNER_APP  # not known: what the function does not answer

DECORATORS = frozenset({"functions_framework.http"})
FRAMEWORK = "cloud_functions_headers"
LABEL = "Cloud Function"


def uses_functions_framework(module: PythonModule) -> bool:
    return any(
        q == "functions_framework" or q.startswith("functions_framework.") for q in module.imports.values()
    ) or _may_hold_entry_points(module)


# classes whose instance is a web application: a module making one serves views, not entry points
_APP_CLASSES = frozenset(
    {
        "Flask",
        "FastAPI",
        "Starlette",
        "Quart",
        "Sanic",
        "Bottle",
        "APIFlask",
        "Litestar",
        "Application",
        "App",
    }
)


def _may_hold_entry_points(module: PythonModule) -> bool:
    return PurePath(module.path).name == "main.py" and "OPTIONS" in module.text


def _entry_point(module: PythonModule, function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """An undecorated Cloud Functions entry point of `main.py` (see the module docstring)."""
    if function.decorator_list or parameters(function) != ["request"] or not _may_hold_entry_points(module):
        return False
    tests_options = returns_triple = False
    for node in ast.walk(function):
        if isinstance(node, ast.Compare) and len(node.comparators) == 1:
            sides = (node.left, node.comparators[0])
            method = any(
                isinstance(side, ast.Attribute)
                and side.attr == "method"
                and isinstance(side.value, ast.Name)
                and side.value.id == "request"
                for side in sides
            )
            tests_options = tests_options or (
                method and any(isinstance(side, ast.Constant) and side.value == "OPTIONS" for side in sides)
            )
        elif isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple) and len(node.value.elts) == 3:
            returns_triple = True
    return tests_options and returns_triple and not _makes_app(module)


def _makes_app(module: PythonModule) -> bool:
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Call):
            function = node.func
            name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
            if name in _APP_CLASSES:
                return True
    return False


def gcf_units(module: PythonModule, covered: set[Function]) -> list[Unit]:
    units: list[Unit] = []
    for function in module.tree.body:
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or function in covered:
            continue
        decorated = any((module.qualified_name(d) or "") in DECORATORS for d in function.decorator_list)
        if not decorated and not _entry_point(module, function):
            continue
        names = parameters(function)
        if not names or not writes_cors(module, function):
            continue
        phase = Phase(module, function, requests=frozenset(names[:1]))
        label = f"{LABEL} {function.name}()"
        units.append(Unit("flask", "handler", module.location(function), [phase], INNER_APP, label))
        covered.add(function)
    return units
