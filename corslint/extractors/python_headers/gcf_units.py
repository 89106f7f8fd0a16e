"""Google Cloud Functions (Python): a function decorated `@functions_framework.http` is
called with a Flask request for every method, OPTIONS included, and what it returns is
made into a Flask response (`(body, status, headers)` tuples as a Flask view's). Read
as a Flask view; its policies are named for Cloud Functions.

Seen in kevinmccartney/the-game (the-game-api/user-points-options/main.py), the shape of
Google's own `functions_cors` sample: a preflight answered from a headers dict with
Max-Age 3600 or 86400, and ACAO `*` on the other answers."""

from __future__ import annotations

import ast

from corslint.extractors.python import PythonModule
from corslint.extractors.python_headers.unit import Function, Phase, Unit, parameters, writes_cors
from corslint.frameworks.python_headers import INNER_APP  # not known: what the function does not answer

DECORATORS = frozenset({"functions_framework.http"})
FRAMEWORK = "cloud_functions_headers"
LABEL = "Cloud Function"


def uses_functions_framework(module: PythonModule) -> bool:
    return any(
        q == "functions_framework" or q.startswith("functions_framework.") for q in module.imports.values()
    )


def gcf_units(module: PythonModule, covered: set[Function]) -> list[Unit]:
    units: list[Unit] = []
    for function in module.tree.body:
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or function in covered:
            continue
        if not any((module.qualified_name(d) or "") in DECORATORS for d in function.decorator_list):
            continue
        names = parameters(function)
        if not names or not writes_cors(module, function):
            continue
        phase = Phase(module, function, requests=frozenset(names[:1]))
        label = f"{LABEL} {function.name}()"
        units.append(Unit("flask", "handler", module.location(function), [phase], INNER_APP, label))
        covered.add(function)
    return units
