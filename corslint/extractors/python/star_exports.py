"""Names a module receives through `from pkg import *` of the project's own modules that
those modules bind by an import: `from endpoints import *` in a view module hands it the
`cross_origin` and `CORS` that `endpoints/__init__.py` imported from flask_cors.

Python's rules: a star import binds the module's `__all__` when it defines one as a
literal list or tuple, else every module-level name not starting with `_`; a later
statement of the importer rebinds a name. Chains are followed (a star-imported module
star-imports in turn) up to `MAX_CHAIN` modules deep, each module at most once per chain,
so cycles (`endpoints/__init__` and `endpoints/common` star-importing each other) end.

Only absolute import targets are re-exported: a relative one (`from .x import y`) names
a module relative to the exporting file, which the importer cannot spell.
"""

from __future__ import annotations

import ast
import weakref
from collections.abc import Sequence
from typing import Protocol

MAX_CHAIN = 6  # modules followed through star imports before giving up


class PythonModule(Protocol):
    """What is read of a module (`module.PythonModule`, which imports this one)."""

    tree: ast.Module
    imports: dict[str, str]
    star_imports: list[str]
    assignments: dict[str, list[tuple[ast.AST, ast.expr]]]
    classes: dict[str, ast.ClassDef]

    def star_modules(self) -> Sequence[PythonModule]: ...

    def binding(self, name: str) -> tuple[ast.AST, ast.expr] | None: ...


_EXPORTS: weakref.WeakKeyDictionary[PythonModule, dict[str, str]] = weakref.WeakKeyDictionary()


def star_imported_names(module: PythonModule) -> dict[str, str]:
    """local name -> qualified name, for the names `module`'s own star imports of in-tree
    modules bind to an import there (later star imports win, as at run time)."""
    found = _EXPORTS.get(module)
    if found is None:
        found = _EXPORTS[module] = _received(module, {id(module)}, 0)
    return found


def _received(module: PythonModule, seen: set[int], depth: int) -> dict[str, str]:
    received: dict[str, str] = {}
    if depth >= MAX_CHAIN or not module.star_imports:
        return received
    for exporter in reversed(module.star_modules()):  # first import first: later ones win
        if id(exporter) in seen:
            continue
        seen.add(id(exporter))
        received.update(_exported(exporter, seen, depth + 1))
        seen.discard(id(exporter))
    return received


def _exported(module: PythonModule, seen: set[int], depth: int) -> dict[str, str]:
    """What `from module import *` binds that `module` holds by an absolute import."""
    names = _received(module, seen, depth)
    names.update(module.imports)
    for bound in (*module.assignments, *module.classes, *_defined_functions(module)):
        names.pop(bound, None)  # a binding of its own shadows what it imported
    public = dunder_all(module)
    return {
        name: qualified
        for name, qualified in names.items()
        if not qualified.startswith(".")
        and (name in public if public is not None else not name.startswith("_"))
    }


def _defined_functions(module: PythonModule) -> list[str]:
    return [s.name for s in module.tree.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))]


def dunder_all(module: PythonModule) -> frozenset[str] | None:
    """The module's `__all__` when it is one literal list or tuple of strings."""
    bound = module.binding("__all__")
    if bound is None:
        return None
    value = bound[1]
    if not isinstance(value, (ast.List, ast.Tuple)):
        return None
    names = [e.value for e in value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    return frozenset(names) if len(names) == len(value.elts) else None
