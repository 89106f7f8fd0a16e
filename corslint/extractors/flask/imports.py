"""The imports a Flask-CORS call sees that the module's own import table leaves out:
`from flask_cors import CORS` inside a function (app factories, `def init_app(app):`
extension modules, circular-import workarounds), inside a module-level `try:` / `if:`
block, and `from flask_cors import *`; the pre-1.0 Flask spelling `flask.ext.cors` (still in
old projects) names the same package."""

from __future__ import annotations

import ast
import weakref
from collections.abc import Iterator, Mapping

from corslint.extractors.python import PythonModule
from corslint.extractors.python.star_exports import star_imported_names

_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
# what `from flask_cors import *` binds (the package's `__all__`)
_STAR_NAMES = {"CORS": "flask_cors.CORS", "cross_origin": "flask_cors.cross_origin"}
_LEGACY_PACKAGE = "flask.ext.cors"  # Flask's extension namespace, removed in Flask 1.0
SANIC_PORT = "sanic_cors"
# the names a project module may re-export for the app module: `from deps import Flask, CORS`
_REEXPORTED = frozenset({"CORS", "cross_origin", "Flask", "Blueprint"})
_PACKAGES = frozenset({"flask", "flask_cors"})
_TABLES: weakref.WeakKeyDictionary[PythonModule, dict[str, str]] = weakref.WeakKeyDictionary()


def _import_statements(body: list[ast.stmt]) -> Iterator[ast.Import | ast.ImportFrom]:
    """Import statements of a block and of the blocks nested in it, not of nested scopes."""
    stack: list[ast.AST] = list(reversed(body))
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif isinstance(node, ast.stmt) and not isinstance(node, _NESTED):
            stack.extend(reversed([c for c in ast.iter_child_nodes(node) if isinstance(c, ast.stmt)]))
            if isinstance(node, ast.Try):
                for handler in node.handlers:
                    stack.extend(reversed(handler.body))
            elif isinstance(node, ast.Match):
                for case in node.cases:
                    stack.extend(reversed(case.body))


def _bindings(statement: ast.Import | ast.ImportFrom) -> Iterator[tuple[str, str]]:
    """(local name, qualified name) pairs, as `ModuleSource` records module-level ones."""
    if isinstance(statement, ast.Import):
        for alias in statement.names:
            if alias.asname is not None:
                yield alias.asname, alias.name
            else:
                top = alias.name.split(".")[0]
                yield top, top
        return
    base = _current("." * statement.level + (statement.module or ""))
    for alias in statement.names:
        if alias.name == "*":
            if base == "flask_cors":
                yield from _STAR_NAMES.items()
            continue
        joined = f"{base}{alias.name}" if base.endswith(".") else f"{base}.{alias.name}"
        yield alias.asname or alias.name, joined if base else alias.name


def _current(qualified: str) -> str:
    """`flask.ext.cors.CORS` -> `flask_cors.CORS`; Sanic-CORS, Flask-CORS's port with the
    same API, is read as Flask-CORS (the policies are relabelled: sanic_port.py)."""
    for package in (_LEGACY_PACKAGE, SANIC_PORT):
        if qualified == package or qualified.startswith(f"{package}."):
            return "flask_cors" + qualified[len(package) :]
    return qualified


def function_imports(function: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, str]:
    """Names a function's own import statements bind, wherever in its body they stand."""
    return dict(pair for statement in _import_statements(function.body) for pair in _bindings(statement))


def module_imports(module: PythonModule) -> dict[str, str]:
    """The module's import table, completed with what its compound statements import
    (`try: from flask_cors import CORS`) and with `from flask_cors import *`; names the
    module binds otherwise keep their binding."""
    table = _TABLES.get(module)
    if table is None:
        table = _TABLES[module] = _module_imports(module)
    return table


def _module_imports(module: PythonModule) -> dict[str, str]:
    found: dict[str, str] = {}
    for statement in module.tree.body:
        if isinstance(statement, ast.ImportFrom) and _current(statement.module or "") == "flask_cors":
            found.update(_bindings(statement))
        elif isinstance(statement, ast.stmt) and not isinstance(
            statement, (ast.Import, ast.ImportFrom, *_NESTED)
        ):
            for inner in _import_statements([statement]):
                found.update(_bindings(inner))
    for name in list(found):
        # a conditional import beside its fallback (`except ImportError: CORS = None`)
        # is the import: the fallback only runs where the package is missing
        if name in module.imports or name in module.classes:
            del found[name]
    own = {name: _reexported(module, _current(qualified)) for name, qualified in module.imports.items()}
    # `from endpoints import *` where endpoints imported cross_origin: a re-export
    received = {
        name: _current(qualified)
        for name, qualified in star_imported_names(module).items()
        if name not in module.assignments and name not in module.classes and name not in module.functions
    }
    return {**received, **own, **found}


def _reexported(module: PythonModule, qualified: str, depth: int = 0) -> str:
    """`from deps import CORS` where the project's deps.py did `from flask_cors import CORS`
    (one module for every third-party import): the name it re-exports (census4 sample 148,
    429-Too-Many-Group-Names/KickHub backend/app/imports.py)."""
    base, _, name = qualified.rpartition(".")
    if name not in _REEXPORTED or not base or base.lstrip(".").partition(".")[0] in _PACKAGES or depth > 2:
        return qualified
    found = lookup(module, qualified)
    if found is None or found[0] is module:
        return qualified
    target, bound = found
    inner = target.imports.get(bound)
    if inner is None:
        return qualified
    inner = _current(inner)
    return inner if inner.partition(".")[0] in _PACKAGES else _reexported(target, inner, depth + 1)


def qualified_name(node: ast.AST, imports: Mapping[str, str]) -> str | None:
    """`module.qualified_name` with an import table of its own (a function's view)."""
    if isinstance(node, ast.Name):
        return imports.get(node.id, node.id)
    if isinstance(node, ast.Attribute):
        base = qualified_name(node.value, imports)
        return f"{base}.{node.attr}" if base else None
    return None


def lookup(module: PythonModule, qualified: str) -> tuple[PythonModule, str] | None:
    """`module.project.lookup`, and also `from . import api` (".api"): a name the package's
    own `__init__` binds, which the project lookup leaves out (it wants a dotted module)."""
    project = module.project
    if project is None:
        return None
    found = project.lookup(module, qualified)
    if found is not None:
        return found
    name = qualified.lstrip(".")
    dots = qualified[: len(qualified) - len(name)]
    if not dots or not name or "." in name:
        return None
    path = project.find_module(module, dots)
    package = project.module_at(path, project.display_path(module.path, path)) if path is not None else None
    if package is None or package is module:
        return None
    return package, name
