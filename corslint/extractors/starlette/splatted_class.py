"""`app.add_middleware(**build_cors_config(settings))` where the dict itself names the class
(`{"middleware_class": CORSMiddleware, "allow_origins": [...]}`): Starlette's
`add_middleware(middleware_class, *args, **kwargs)` takes the class as a keyword, so the
splatted dict installs CORSMiddleware (census 6 P25: Code-xCartel/noxus-api-py
app/create_app.py + app/utils/cors.py)."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

from corslint.extractors.python import PythonModule
from corslint.model import Value

CLASS_KEYS = ("middleware_class", "cls")


def splatted_cors_class(
    module: PythonModule, call: ast.Call, is_cors_class: Callable[[PythonModule, ast.expr], bool]
) -> bool:
    """Whether a `**mapping` argument of the call resolves to a dict whose class key is
    CORSMiddleware, as the module that wrote the dict imports it."""
    for keyword in call.keywords:
        if keyword.arg is not None:
            continue
        mapping = module.resolve(keyword.value)
        if not (mapping.known and isinstance(mapping.raw, dict)):
            continue
        named = next((mapping.raw[key] for key in CLASS_KEYS if key in mapping.raw), None)
        if isinstance(named, Value) and _names_cors_class(module, named, is_cors_class):
            return True
    return False


def without_class_key(options: dict[str, Value]) -> dict[str, Value]:
    return {name: value for name, value in options.items() if name not in CLASS_KEYS}


def _names_cors_class(
    module: PythonModule, named: Value, is_cors_class: Callable[[PythonModule, ast.expr], bool]
) -> bool:
    """The class value is left unresolved (a class is no data): find the expression it was
    written as, in the module that wrote it, and ask that module what it names."""
    where = named.location
    home = module
    if where.path != module.path:
        if module.project is None:
            return False
        loaded = module.project.module_at(Path(where.path))
        if loaded is None:
            return False
        home = loaded
    for node in ast.walk(home.tree):
        if (
            isinstance(node, (ast.Name, ast.Attribute))
            and getattr(node, "lineno", 0) == where.line
            and node.col_offset + 1 == where.column
        ):
            return is_cors_class(home, node)
    return False
