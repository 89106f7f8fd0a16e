"""Questions the Django extractor asks of Python syntax trees: qualified names, call
arguments, which statements define functions and classes."""

from __future__ import annotations

import ast

from corslint.extractors.python import PythonModule

DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def qualified_name(module: PythonModule, node: ast.expr) -> str:
    return module.qualified_name(node) or ""


def call_arguments(call: ast.Call) -> list[ast.expr]:
    """Every argument's value in source order, keyword or not (`*x` and `**x` give x)."""
    values = [arg.value if isinstance(arg, ast.Starred) else arg for arg in call.args]
    if not call.keywords:
        return values
    if call.args and any(isinstance(arg, ast.Starred) for arg in call.args):
        # `f(a=1, *rest)` is valid Python: order by position
        nodes: list[ast.expr | ast.keyword] = [*call.args, *call.keywords]
        nodes.sort(key=lambda node: (node.lineno, node.col_offset))
        return [node.value if isinstance(node, (ast.Starred, ast.keyword)) else node for node in nodes]
    return [*values, *(keyword.value for keyword in call.keywords)]
