"""A name bound by a `try` that reads a key and an `except KeyError` that supplies a fallback:

    try:
        origins = server_config["CORS"]
    except KeyError:
        origins = "*"

The key's value comes from a file or mapping the deployment supplies (unknown here); the
handler's value is what the program runs with while that key is missing, as an
environment default is what it runs with while the variable is unset. The fallback is
returned with the key read as the condition's name ("when server_config['CORS'] is
unset"), so the rules judge it and say under which condition (songololo/aiovectortiler
aiovectortiler/serve.py: aiohttp-cors defaults keyed by that name).

Accepted only when: the `try` body's first statement is `name = X[key]` (`key` a string
literal), nothing else in the body, its `else` or `finally` binds `name`, every handler
catches `KeyError` (alone, in a tuple with `LookupError`/`KeyError`, or as `LookupError`)
and its body is exactly `name = <value>` (a logging call beside it allowed), and the
read itself cannot be resolved (a known read is followed by the ordinary lookup instead).
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from corslint.extractors.python.syntax import dotted_name
from corslint.model import Location, Provenance, Value

_MISSING = frozenset({"KeyError", "LookupError"})
_ENVIRON = frozenset({"os.environ", "environ"})


def missing_key_fallback(
    statement: ast.stmt,
    name: str,
    resolve: Callable[[ast.expr], Value],
    location: Callable[[ast.AST], Location],
) -> tuple[ast.expr, ast.stmt, Value] | None:
    """(the fallback expression, its assignment, the condition it holds under), or None
    when `statement` is not such a `try`."""
    if not isinstance(statement, ast.Try) or not statement.body or not statement.handlers:
        return None
    first = statement.body[0]
    read = _assigned(first, name)
    if not isinstance(read, ast.Subscript) or not (
        isinstance(read.slice, ast.Constant) and isinstance(read.slice.value, str)
    ):
        return None
    if any(_binds(s, name) for s in (*statement.body[1:], *statement.orelse, *statement.finalbody)):
        return None
    fallbacks: list[tuple[ast.expr, ast.stmt]] = []
    for handler in statement.handlers:
        if not _catches_missing(handler.type):
            return None
        found = _handler_fallback(handler, name)
        if found is None:
            return None
        fallbacks.append(found)
    if len(fallbacks) != 1 or resolve(read).known:
        return None
    expression, assignment = fallbacks[0]
    source = ast.unparse(read.value)
    key = read.slice.value
    condition_name = key if source in _ENVIRON else f"{source}[{key!r}]"
    condition = Value(True, location(read), Provenance.SETTINGS_DEFAULT, condition_name)
    return expression, assignment, condition


def _assigned(statement: ast.stmt, name: str) -> ast.expr | None:
    if (
        isinstance(statement, ast.Assign)
        and len(statement.targets) == 1
        and isinstance(statement.targets[0], ast.Name)
        and statement.targets[0].id == name
    ):
        return statement.value
    return None


def _binds(statement: ast.stmt, name: str) -> bool:
    return any(
        isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Store)
        for node in ast.walk(statement)
    )


def _catches_missing(caught: ast.expr | None) -> bool:
    if caught is None:
        return False
    names = caught.elts if isinstance(caught, ast.Tuple) else [caught]
    return bool(names) and all((dotted_name(n) or "").split(".")[-1] in _MISSING for n in names)


def _handler_fallback(handler: ast.ExceptHandler, name: str) -> tuple[ast.expr, ast.stmt] | None:
    """The handler's one `name = value`, beside which only expression statements (logging
    calls) may stand."""
    found: tuple[ast.expr, ast.stmt] | None = None
    for statement in handler.body:
        value = _assigned(statement, name)
        if value is not None and found is None:
            found = (value, statement)
        elif not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)):
            return None
    return found
