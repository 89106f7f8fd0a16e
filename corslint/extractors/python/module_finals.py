"""A module-level name read by hand-written CORS code at request time, bound more than once
at module level (census 10 C4, MikeXilo/earthbenders-analyzer-backend server.py:
`cors_origins = '*'` under `if '*' in cors_origin:` of `os.environ.get('CORS_ORIGIN', '*')`,
else a list; an `after_request` hook then tests `if cors_origins == '*':`).

A hook, middleware or view runs once the module has run: the name holds its final module
binding, the arm an `if` on an environment default takes included, said to be so ("when
CORS_ORIGIN is unset") as where Flask-CORS reads the same name at its call. Not read: a name
some function rebinds (`global`), a binding changed in place afterwards, or one that cannot be
followed (a loop, a `try`)."""

from __future__ import annotations

import ast
import weakref

from corslint.extractors.python import PythonModule
from corslint.extractors.python.scope import Scope
from corslint.extractors.python.values import moved, under_condition
from corslint.model import Value


def with_module_finals(module: PythonModule, node: ast.expr, scope: Scope) -> Scope:
    """`scope` with the final module value of each such name `node` reads (`origins ==
    "*"`, `caller in origins`), for the resolver to read them there."""
    extra: dict[str, Value] = {}
    for name in ast.walk(node):
        if (
            isinstance(name, ast.Name)
            and name.id not in scope.names
            and name.id not in extra
            and len(module.assignments.get(name.id, ())) >= 2
        ):
            found = final_module_value(module, name, scope)
            if found is not None:
                extra[name.id] = found
    return Scope({**scope.names, **extra}, scope.depth, scope.frames) if extra else scope


def final_setting(module: PythonModule, test: ast.expr, scope: Scope) -> str:
    """The environment variable a test decided on such a name rests on ("" if none): the
    writes it chooses hold while the variable is unset."""
    finals = with_module_finals(module, test, scope)
    return next((v.env_var for k, v in finals.names.items() if k not in scope.names and v.env_var), "")


def final_module_value(module: PythonModule, node: ast.expr, scope: Scope) -> Value | None:
    """The value `node` (a name the reading function does not bind) has once the module
    has run, or None when that is not what it reads or cannot be known."""
    if not isinstance(node, ast.Name) or len(module.assignments.get(node.id, ())) < 2:
        return None
    if module.lookup(node.id, node, scope).kind != "module" or _declared_global(module, node.id):
        return None
    final = module.final_binding(node.id)
    if final is None or final.kind != "value" or final.mutations or not isinstance(final.node, ast.expr):
        return None
    if isinstance(final.node, ast.Name) and final.node.id == node.id:
        return None
    found = module.resolve(final.node, scope)
    if not found.known:
        return None
    found = moved(found, module.location(node), module.location(final.node))
    return under_condition(found, final.condition) if final.condition is not None else found


_GLOBALS: weakref.WeakKeyDictionary[PythonModule, frozenset[str]] = weakref.WeakKeyDictionary()


def _declared_global(module: PythonModule, name: str) -> bool:
    found = _GLOBALS.get(module)
    if found is None:
        found = _GLOBALS[module] = frozenset(
            declared for n in ast.walk(module.tree) if isinstance(n, ast.Global) for declared in n.names
        )
    return name in found
