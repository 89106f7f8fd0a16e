"""The syntax of settings loader functions (loaded_settings.py): tuple targets at module
level, and a `try` that only re-raises.

- `a, b = f()` binds each name to the element at its position, `f()[i]`;
- a `try` whose handlers all end in `raise` (or `sys.exit(...)`) returns nothing itself: a call that returns
  has run its body through."""

from __future__ import annotations

import ast
from typing import TypeGuard


def unpacked(target: ast.expr, value: ast.expr) -> list[tuple[str, ast.Name, ast.expr]]:
    """(name, its target, `value[i]`) for each name of a tuple or list target without a
    starred element; nothing for any other target."""
    if not isinstance(target, (ast.Tuple, ast.List)):
        return []
    if not all(isinstance(item, ast.Name) for item in target.elts):
        return []
    found: list[tuple[str, ast.Name, ast.expr]] = []
    for index, item in enumerate(target.elts):
        assert isinstance(item, ast.Name)
        element = ast.Subscript(value=value, slice=ast.Constant(index), ctx=ast.Load())
        found.append((item.id, item, ast.copy_location(element, item)))
    return found


def reraises_only(statement: ast.stmt) -> TypeGuard[ast.Try]:
    """A `try` that neither returns nor raises on its own path, whose handlers all end in
    `raise`: the code after it runs exactly when the body ran through."""
    if not isinstance(statement, ast.Try) or not statement.handlers:
        return False
    for block in (statement.body, statement.orelse, statement.finalbody):
        if any(isinstance(node, (ast.Return, ast.Raise)) for item in block for node in ast.walk(item)):
            return False
    for handler in statement.handlers:
        if not handler.body or not _ends(handler.body[-1]):
            return False
        if any(isinstance(node, ast.Return) for item in handler.body for node in ast.walk(item)):
            return False
    return True


def _ends(statement: ast.stmt) -> bool:
    """`raise`, or `sys.exit(1)` (a SystemExit): the program does not go on from here."""
    if isinstance(statement, ast.Raise):
        return True
    if not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)):
        return False
    func = statement.value.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    owner = func.value.id if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) else ""
    return (owner, name) in {("sys", "exit"), ("", "exit"), ("os", "_exit")}
