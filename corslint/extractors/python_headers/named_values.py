"""Assignment expressions in a test (`if (origin := request.headers.get("Origin")) is not
None and allowed(origin):`) read as the assignments they make, then the test over the names."""

from __future__ import annotations

import ast
import copy


class _Named(ast.NodeTransformer):
    def __init__(self) -> None:
        self.bound: list[ast.Assign] = []

    def visit_NamedExpr(self, node: ast.NamedExpr) -> ast.expr:
        value = self.visit(node.value)
        target = ast.copy_location(ast.Name(node.target.id, ast.Store()), node.target)
        self.bound.append(ast.copy_location(ast.Assign([target], value), node))
        return ast.copy_location(ast.Name(node.target.id, ast.Load()), node)


def named_values(test: ast.expr) -> tuple[list[ast.Assign], ast.expr]:
    """The assignments the test makes, in the order they run, and the test rewritten to
    read the names (the test itself when it makes none)."""
    if not any(isinstance(node, ast.NamedExpr) for node in ast.walk(test)):
        return [], test
    named = _Named()
    rewritten = named.visit(copy.deepcopy(test))
    return named.bound, rewritten
