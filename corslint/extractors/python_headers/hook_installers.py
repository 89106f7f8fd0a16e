"""Flask hooks an installer function defines and registers on the app it is handed:
`def install(app, origins=None): if origins is None: origins = ["*"]` then `@app.after_request`
inside it, called as `CrossOrigin.install(app)` (MyJin520/aio utils/cors.py, census 5 P24).
The installer's own statements run once, before any request: read first (a prelude),
with the parameters no call in the project passes bound to their defaults, they give the
hook the values it closes over."""

from __future__ import annotations

import ast

from corslint.extractors.context import ProjectContext
from corslint.extractors.python import PythonModule
from corslint.extractors.python_headers.helper_defaults import default_bindings
from corslint.extractors.python_headers.unit import Function, Unit, functions_in


def bind_installers(module: PythonModule, units: list[Unit], context: ProjectContext) -> None:
    for unit in units:
        if unit.kind != "flask" or unit.role != "hook":
            continue
        for phase in unit.phases:
            if phase.module is not module or phase.preludes or phase.values:
                continue
            installer = _installer(module, phase.function)
            if installer is None:
                continue
            phase.preludes = (installer,)
            phase.values = default_bindings(module, installer, frozenset(), context)


def _installer(module: PythonModule, function: Function) -> Function | None:
    """The function whose own body defines `function`."""
    for outer in functions_in(module.tree):
        if outer is not function and any(statement is function for statement in _own_statements(outer)):
            return outer
    return None


def _own_statements(function: Function) -> list[ast.stmt]:
    found: list[ast.stmt] = []
    stack: list[ast.stmt] = list(function.body)
    while stack:
        statement = stack.pop()
        found.append(statement)
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for block in ("body", "orelse", "finalbody"):
            stack += getattr(statement, block, [])
    return found
