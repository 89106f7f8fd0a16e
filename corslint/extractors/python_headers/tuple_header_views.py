"""Flask views in modules that never name a CORS header, whose return tuples take their
headers from a helper here (`return dumps(data), 200, get_headers(data)` in the routes
module, `get_headers()` in a utils module). The prefilter hands only this module to the
extractor, so the views are found from the helper, as hooks registered elsewhere are."""

from __future__ import annotations

import ast

from corslint.extractors.context import ProjectContext
from corslint.extractors.python import PythonModule
from corslint.extractors.python_headers.flask_units import view_units
from corslint.extractors.python_headers.project_scan import modules_mentioning
from corslint.extractors.python_headers.unit import ACCESS_CONTROL, Unit, writes_cors


def views_elsewhere(module: PythonModule, context: ProjectContext) -> list[Unit]:
    """The view layers of other modules whose return tuples call a header helper of
    this module; modules that name a CORS header themselves find their views alone."""
    units: list[Unit] = []
    seen: set[str] = set()
    for function in module.tree.body:
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if not writes_cors(module, function) or not _returns_value(function):
            continue
        for other in modules_mentioning(module, context, function.name.encode()):
            if other.path in seen or ACCESS_CONTROL in other.text.lower():
                continue
            seen.add(other.path)
            units += view_units(other, set())
    return units


def _returns_value(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(isinstance(node, ast.Return) and node.value is not None for node in ast.walk(function))
