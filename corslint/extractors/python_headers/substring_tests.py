"""`origin.count(domain) > 0`: whether the Origin contains a text, as the substring test
`domain in origin` is (webdeveloppro/aiohttp_boilerplate, middleware/defaults.py). Both
are read as an unanchored regex search for the text: `https://shop.example.com.evil.test`
contains `shop.example.com`."""

from __future__ import annotations

import ast

# (operator, compared number) -> whether the test holds where the Origin contains the text
_COUNT_TESTS: dict[tuple[type[ast.cmpop], int], bool] = {
    (ast.Gt, 0): True,
    (ast.GtE, 1): True,
    (ast.NotEq, 0): True,
    (ast.Eq, 0): False,
    (ast.Lt, 1): False,
    (ast.LtE, 0): False,
}


def counted_text(test: ast.Compare) -> tuple[ast.expr, ast.expr, bool] | None:
    """(the string counted in, the text counted, whether the test holds when it is found)
    for `s.count(text) > 0` and its variants."""
    left, right = test.left, test.comparators[0]
    if not (
        isinstance(left, ast.Call)
        and isinstance(left.func, ast.Attribute)
        and left.func.attr == "count"
        and len(left.args) == 1
        and not left.keywords
        and isinstance(right, ast.Constant)
        and type(right.value) is int
    ):
        return None
    holds = _COUNT_TESTS.get((type(test.ops[0]), right.value))
    if holds is None:
        return None
    return left.func.value, left.args[0], holds
