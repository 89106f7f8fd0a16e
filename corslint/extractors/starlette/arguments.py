"""A call's arguments in source order, as the Starlette extractor reads them."""

from __future__ import annotations

import ast
from dataclasses import dataclass


@dataclass(frozen=True)
class Argument:
    """One argument of a call, in source order: `star` is "", "*" or "**"."""

    value: ast.expr
    keyword: str | None = None
    star: str = ""


def arguments_of(call: ast.Call) -> list[Argument]:
    found = [
        Argument(arg.value, star="*") if isinstance(arg, ast.Starred) else Argument(arg) for arg in call.args
    ]
    found.extend(
        Argument(item.value, item.arg) if item.arg is not None else Argument(item.value, star="**")
        for item in call.keywords
    )
    found.sort(key=lambda argument: (argument.value.lineno, argument.value.col_offset))
    return found
