"""Names a module imports from another module of the project where they name a CORS
header: a function (`cors_headers()`) or a constant (`CORS_HEADERS`)."""

from __future__ import annotations

import ast

from corslint.extractors.python import PythonModule
from corslint.extractors.python_headers.tree_index import header_constants
from corslint.extractors.python_headers.unit import ACCESS_CONTROL, writes_cors


def reads_imported_headers(module: PythonModule, function: ast.AST) -> bool:
    """The function reads a name imported from a project module where it names a CORS
    header: a function (`cors_headers()`) or a constant (`CORS_HEADERS`)."""
    read = {n.id for n in ast.walk(function) if isinstance(n, ast.Name) and n.id in module.imports}
    return any(header_source(module, name) is not None for name in read)


def header_source(module: PythonModule, name: str) -> PythonModule | None:
    """The project module `name` is imported from, when there it names a CORS header."""
    qualified = module.imports.get(name)
    if module.project is None or not qualified or "." not in qualified:
        return None
    found = module.project.lookup(module, qualified)
    if found is None or found[0] is module:
        return None
    home, attribute = found
    for node in home.tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == attribute:
            return home if writes_cors(home, node) else None
    return home if attribute in header_constants(home, ACCESS_CONTROL) else None
