"""`typeof options.origin === 'function'` on a value corslint knows: an Egg or Koa
middleware factory testing whether its (merged) options hold an origin function
(FanYH-tql/take-out-egg `app/middleware/cors.ts`, SWEEP13 M3). Only the `'function'`
comparison is decided: a known value is a function exactly when corslint read one; what
`typeof` says of `null` and `undefined` (both known as None here) differs, so other type
names are left undecided."""

from __future__ import annotations

from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, string_value, unwrap
from corslint.model import FunctionValue


def typeof_function_test(module: JsModule, node: Node) -> str | None:
    """`TRUE` / `FALSE` for `typeof X === 'function'` (`!==` too) with X known; None otherwise."""
    node = unwrap(node)
    if node.type != "binary_expression":
        return None
    operator = module.text(node.child_by_field_name("operator"))
    if operator not in {"===", "==", "!==", "!="}:
        return None
    left, right = unwrap(node.child_by_field_name("left")), unwrap(node.child_by_field_name("right"))
    if left.type != "unary_expression":
        left, right = right, left
    if left.type != "unary_expression" or not module.text(left).startswith("typeof"):
        return None
    if string_value(right) != "function":
        return None
    argument = left.child_by_field_name("argument")
    value = module.resolve(argument) if argument is not None else None
    if value is None or not value.known:
        return None
    is_function = isinstance(value.raw, FunctionValue)
    return "TRUE" if is_function == (operator in {"===", "=="}) else "FALSE"
