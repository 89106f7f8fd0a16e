"""App factories take switches with defaults, `create_app(test_config=None)`,
`make_app(testing=False)`: an `if` on such a switch is decided by its default, the way
the app starts when nothing is passed (RULES.md: judge the default)."""

from __future__ import annotations

import ast
from collections.abc import Callable

from corslint.extractors.flask.collected import Function

_UNDECIDED = object()


def parameter_defaults(function: Function) -> dict[str, object]:
    """The parameters with a constant default, and that default."""
    arguments = function.args
    positional = [*arguments.posonlyargs, *arguments.args]
    pairs = list(
        zip(positional[len(positional) - len(arguments.defaults) :], arguments.defaults, strict=True)
    )
    pairs += [
        (a, d) for a, d in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True) if d is not None
    ]
    return {a.arg: d.value for a, d in pairs if isinstance(d, ast.Constant)}


def _value(node: ast.expr, defaults: dict[str, object]) -> object:
    if isinstance(node, ast.Name) and node.id in defaults:
        return defaults[node.id]
    if isinstance(node, ast.Constant):
        return node.value
    return _UNDECIDED


def decided(test: ast.expr, defaults: dict[str, object]) -> bool | None:
    """Whether `test` holds when every parameter it reads has its default; None: unknown."""
    if not defaults:
        return None
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        inner = decided(test.operand, defaults)
        return None if inner is None else not inner
    if isinstance(test, ast.BoolOp):
        parts = [decided(value, defaults) for value in test.values]
        if isinstance(test.op, ast.And):
            return False if False in parts else (None if None in parts else True)
        return True if True in parts else (None if None in parts else False)
    if isinstance(test, ast.Name):
        value = _value(test, defaults)
        return None if value is _UNDECIDED else bool(value)
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        left, right = _value(test.left, defaults), _value(test.comparators[0], defaults)
        if left is _UNDECIDED or right is _UNDECIDED or not isinstance(test.left, ast.Name):
            return None
        operator = test.ops[0]
        if isinstance(operator, ast.Is):
            return left is right
        if isinstance(operator, ast.IsNot):
            return left is not right
        if isinstance(operator, ast.Eq):
            return left == right
        if isinstance(operator, ast.NotEq):
            return left != right
    return None


def caller_chosen(
    node: ast.If, verdict: bool, defaults: dict[str, object], is_cors_call: Callable[[ast.Call], bool]
) -> bool:
    """Whether the arm the defaults skip configures Flask-CORS from a parameter the test
    reads (`if cors_domains: CORS(app, origins=cors_domains)` in `make(cors_domains=None)`):
    the callers choose that arm by passing the value, so the call is live, not dead code."""
    tested = {n.id for n in ast.walk(node.test) if isinstance(n, ast.Name) and n.id in defaults}
    if not tested:
        return False
    for statement in node.orelse if verdict else node.body:
        for call in ast.walk(statement):
            if (
                isinstance(call, ast.Call)
                and is_cors_call(call)
                and any(isinstance(n, ast.Name) and n.id in tested for n in ast.walk(call))
            ):
                return True
    return False
