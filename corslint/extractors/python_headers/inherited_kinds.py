"""A module that imports no framework, whose classes derive from a project class that
does: `class ApiHandler(BaseRequestHandler)` with `BaseRequestHandler(RequestHandler)` in
the project's own `framework/handler.py`. Its handlers are Tornado's though the module
never names Tornado (356108814/tornado-coffeebean). Only Tornado is followed so: there,
the class's base alone makes a handler; elsewhere a hook or route says more."""

from __future__ import annotations

import ast

from corslint.extractors.python import PythonModule
from corslint.extractors.python_headers.unit import module_kinds

_FOLLOWED = frozenset({"tornado"})
_DEPTH = 3  # project base classes followed, module to module


def inherited_kinds(module: PythonModule, depth: int = 0) -> list[str]:
    """The framework of the project base classes this module's classes derive from."""
    if module.project is None or depth >= _DEPTH:
        return []
    for node in module.tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        for base in node.bases:
            qualified = module.qualified_name(base) or ""
            found = module.project.lookup(module, qualified) if "." in qualified else None
            if found is None or found[0] is module:
                continue
            home, name = _defining(module, *found)
            if not any(isinstance(c, ast.ClassDef) and c.name == name for c in home.tree.body):
                continue
            kinds = [k for k in module_kinds(home) if k in _FOLLOWED] or inherited_kinds(home, depth + 1)
            if kinds:
                return kinds[:1]
    return []


def _defining(importer: PythonModule, home: PythonModule, name: str) -> tuple[PythonModule, str]:
    """A package that re-exports the class (`from .base import WebRoot` in
    medusa/server/web/core/__init__.py, pymedusa/Medusa): the module that defines it."""
    for _ in range(_DEPTH):
        if home.project is None or any(
            isinstance(c, ast.ClassDef) and c.name == name for c in home.tree.body
        ):
            break
        qualified = home.qualified_name(ast.Name(id=name, ctx=ast.Load())) or ""
        found = home.project.lookup(home, qualified) if "." in qualified else None
        if found is None or found[0] is home or found[0] is importer:
            break
        home, name = found
    return home, name
