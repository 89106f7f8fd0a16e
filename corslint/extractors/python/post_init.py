"""A dataclass's `__post_init__` filling a field the class declares as `None`:

    cors_origins: List[str] = None
    def __post_init__(self):
        if self.cors_origins is None:
            self.cors_origins = ["*"]

(a settings dataclass seen by find_string, `SecurityConfig` with `cors_origins`, `cors_methods`,
`cors_headers`). The object the app reads holds what `__post_init__` left there."""

from __future__ import annotations

import ast
from typing import Protocol

from corslint.extractors.python.classes import targets_of
from corslint.extractors.python.flow import FUNCTIONS, parameter_names
from corslint.extractors.python.scope import Scope
from corslint.model import Location, Provenance, Value


class Resolver(Protocol):
    def resolve(self, node: ast.expr, scope: Scope = ...) -> Value: ...

    def location(self, node: ast.AST) -> Location: ...


def post_init_value(
    owner: Resolver, method: ast.FunctionDef | ast.AsyncFunctionDef, name: str, before: Value, scope: Scope
) -> Value:
    """`before` (the argument or field default) as `__post_init__` leaves `self.<name>`."""
    receivers = parameter_names(method)
    if not receivers:
        return before
    receiver = receivers[0]
    writes = [node for node in ast.walk(method) if _writes_field(node, receiver, name)]
    if not writes:
        return before
    value = before
    for statement in method.body:
        if not any(statement is write or _inside(write, statement) for write in writes):
            continue
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1 and statement in writes:
            value = _filled(owner, statement.value, receiver, scope, before)
            continue
        if _is_str_test(statement, receiver, name) is not None:
            if not value.known:
                return value
            if not isinstance(value.raw, str):
                continue  # `if isinstance(self.X, str): <parse it>`: a list default passes by
            return _unknown(owner, method, name)
        filled = _fill_if_empty(statement, receiver, name)
        if filled is None:
            return _unknown(owner, method, name)
        test_empty, expression = filled
        if not value.known:
            return value
        if value.raw is None or (test_empty and not value.raw):
            value = _filled(owner, expression, receiver, scope, before)
    return value


def _filled(owner: Resolver, expression: ast.expr, receiver: str, scope: Scope, before: Value) -> Value:
    if any(isinstance(n, ast.Name) and n.id == receiver for n in ast.walk(expression)):
        return Value(
            None, before.location, Provenance.UNKNOWN, description="set from other fields in __post_init__"
        )
    return owner.resolve(expression, scope)


def _is_str_test(statement: ast.stmt, receiver: str, name: str) -> ast.If | None:
    """`if isinstance(self.X, str): ...` (no `else`): the litestar-fullstack template's
    settings dataclass parses a string from the environment there (census4 sample 201,
    Harrrryz/putian-ai-backend-litestar src/app/config/base.py:322)."""
    if not isinstance(statement, ast.If) or statement.orelse:
        return None
    test = statement.test
    if (
        isinstance(test, ast.Call)
        and isinstance(test.func, ast.Name)
        and test.func.id == "isinstance"
        and len(test.args) == 2
        and _is_field(test.args[0], receiver, name)
        and isinstance(test.args[1], ast.Name)
        and test.args[1].id == "str"
    ):
        return statement
    return None


def _fill_if_empty(statement: ast.stmt, receiver: str, name: str) -> tuple[bool, ast.expr] | None:
    """`if self.X is None: self.X = E` -> (False, E); `if not self.X: self.X = E` -> (True, E)."""
    if not isinstance(statement, ast.If) or statement.orelse or len(statement.body) != 1:
        return None
    body = statement.body[0]
    if not (
        isinstance(body, ast.Assign) and len(body.targets) == 1 and _is_field(body.targets[0], receiver, name)
    ):
        return None
    test = statement.test
    if (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.Is)
        and _is_field(test.left, receiver, name)
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value is None
    ):
        return False, body.value
    if (
        isinstance(test, ast.UnaryOp)
        and isinstance(test.op, ast.Not)
        and _is_field(test.operand, receiver, name)
    ):
        return True, body.value
    return None


def _writes_field(node: ast.AST, receiver: str, name: str) -> bool:
    return any(_is_field(target, receiver, name) for target in targets_of(node))


def _is_field(node: ast.expr, receiver: str, name: str) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == name
        and isinstance(node.value, ast.Name)
        and node.value.id == receiver
    )


def _inside(node: ast.AST, statement: ast.stmt) -> bool:
    return not isinstance(statement, FUNCTIONS) and any(inner is node for inner in ast.walk(statement))


def _unknown(owner: Resolver, method: ast.AST, name: str) -> Value:
    return Value(
        None, owner.location(method), Provenance.UNKNOWN, description=f"self.{name} (set in __post_init__)"
    )
