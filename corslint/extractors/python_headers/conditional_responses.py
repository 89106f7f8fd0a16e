"""`response = Response(status_code=204) if request.method == "OPTIONS" else await
call_next(request)`: a response chosen by a test in one expression, read as the `if`
statement it stands for, so that each arm's response is the one later code writes on
(CarlosMaroRuiz/LearnSqlAlchemy middleware/cors_middleware.py, census 6 P4 variant)."""

from __future__ import annotations

import ast

from corslint.extractors.python_headers.frame import Frame, unwrap
from corslint.extractors.python_headers.responses import made_response, passes_response


def conditional_response(frame: Frame, statement: ast.stmt) -> ast.If | None:
    if not (
        isinstance(statement, ast.Assign)
        and len(statement.targets) == 1
        and isinstance(statement.targets[0], ast.Name)
    ):
        return None
    value = unwrap(statement.value)
    if not isinstance(value, ast.IfExp):
        return None
    if not all(
        made_response(frame, arm) is not None or passes_response(frame, arm)
        for arm in (value.body, value.orelse)
    ):
        return None
    target = statement.targets[0]
    arms: list[list[ast.stmt]] = [
        [ast.copy_location(ast.Assign([target], arm), statement)] for arm in (value.body, value.orelse)
    ]
    return ast.copy_location(ast.If(value.test, arms[0], arms[1]), statement)
