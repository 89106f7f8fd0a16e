"""An extension instance made only when its library imports (the optional-dependency guard):

    try:
        from flask_cors import CORS
        HAVE_CORS = True
    except ImportError:
        HAVE_CORS = False
    if HAVE_CORS:
        cors = CORS()
    else:
        cors = None

`cors.init_app(app)` has an effect only where `cors` is the instance (on None it raises, or
a `cors is not None` guard skips it), so the instance is the one that counts."""

from __future__ import annotations

import ast

from corslint.extractors.python import PythonModule

_BLOCKS = (ast.If, ast.Try)


def _values(module: PythonModule, block: list[ast.stmt], name: str, found: list[ast.expr]) -> bool:
    """Collect what `name` is assigned in `block` and the `if`/`try` blocks inside it;
    False when it is bound any other way (a loop, `with`, an import, a `def`)."""
    for statement in block:
        value = _assigned(statement, name)
        if value is not None:
            found.append(value)
        elif isinstance(statement, _BLOCKS):
            blocks = [statement.body, statement.orelse]
            if isinstance(statement, ast.Try):
                blocks += [handler.body for handler in statement.handlers] + [statement.finalbody]
            if not all(_values(module, inner, name, found) for inner in blocks):
                return False
        elif name in module.binds_within(statement):
            return False
    return True


def _assigned(statement: ast.stmt, name: str) -> ast.expr | None:
    """The value of `name = value` / `name: T = value`."""
    if isinstance(statement, ast.Assign) and [_name(t) for t in statement.targets] == [name]:
        return statement.value
    if isinstance(statement, ast.AnnAssign) and _name(statement.target) == name:
        return statement.value
    return None


def _name(target: ast.expr) -> str | None:
    return target.id if isinstance(target, ast.Name) else None


def optional_instance(module: PythonModule, name: str) -> tuple[PythonModule, ast.expr] | None:
    """The one value other than None that the module binds `name` to at module level, when
    every other binding is None; None for anything else."""
    found: list[ast.expr] = []
    if not _values(module, module.tree.body, name, found):
        return None
    made = [value for value in found if not (isinstance(value, ast.Constant) and value.value is None)]
    if len(made) != 1 or len(found) < 2:
        return None
    return module, made[0]
