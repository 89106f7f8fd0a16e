"""Comparisons and `&&` over values the resolver knows: `sites.length === 1 && sites[0] ===
"*" ? "*" : sites` with `sites` an environment default (ANTON072/todo-api
`src/middleware/cors.ts`, a Hono binding's `["*"]`). Only primitives are compared (strings,
numbers, booleans, null/undefined), as JavaScript compares them; objects and arrays, whose
identity decides `===`, stay unknown; so does a value that falls back when a request
read is missing (`req.headers.origin || ""`), which the request decides."""

from __future__ import annotations

from collections.abc import Callable

from corslint.extractors.js.conversions import merged, truthy, weaker
from corslint.extractors.js.syntax import is_env_name
from corslint.model import Location, Value

EQUALITIES = frozenset({"===", "!==", "==", "!="})
ORDERINGS = frozenset({"<", "<=", ">", ">="})
_PRIMITIVES = (str, int, float, bool)


def folded(operator: str, left: Value, right: Callable[[], Value], location: Location) -> Value | None:
    """`left <operator> right` for a comparison or `&&` the known values decide; None for
    any other operator or value (`right` is resolved only when needed)."""
    if operator == "&&" and left.known:
        return both(left, right())
    if operator in EQUALITIES or operator in ORDERINGS:
        return compared(operator, left, right(), location)
    return None


def compared(operator: str, left: Value, right: Value, location: Location) -> Value | None:
    """`left <operator> right` when both are known primitives; None otherwise."""
    if not (left.known and right.known and _primitive(left.raw) and _primitive(right.raw)):
        return None
    if not (_settled(left) and _settled(right)):
        return None
    a, b = left.raw, right.raw
    if operator in EQUALITIES:
        if operator in {"==", "!="} and type(a) is not type(b) and None not in (a, b):
            return None  # loose equality's conversions: not modelled
        same = a == b and (type(a) is type(b) or (a is None and b is None))
        result = same if operator in {"===", "=="} else not same
    elif operator in ORDERINGS and _comparable(a, b):
        assert a is not None and b is not None
        result = {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[operator]
    else:
        return None
    provenance = merged(weaker(left.provenance, right.provenance))
    return Value(result, location, provenance, left.env_var or right.env_var)


def both(left: Value, right: Value) -> Value | None:
    """`left && right` when `left` is known: `right` if it is truthy, else `left`; None
    when `left` is a request read's fallback."""
    if not _settled(left):
        return None
    if not truthy(left.raw):
        return left
    if not right.known:
        return right
    provenance = merged(weaker(left.provenance, right.provenance))
    return Value(right.raw, right.location, provenance, right.env_var or left.env_var, right.description)


def _settled(value: Value) -> bool:
    """A constant, or an environment variable's default. Not the fallback of a request read
    (`req.headers.origin || ''`): the request decides that test, not a default. Nor
    NODE_ENV's default (`process.env.NODE_ENV || "development"`): a test of the stage is
    judged as production (`conversions.production_arm`), where NODE_ENV is set."""
    if value.env_var == "NODE_ENV":
        return False
    return value.env_var is None or is_env_name(value.env_var)


def _primitive(raw: object) -> bool:
    return raw is None or (isinstance(raw, _PRIMITIVES))


def _comparable(a: object, b: object) -> bool:
    numbers = (int, float)
    return (
        isinstance(a, numbers)
        and isinstance(b, numbers)
        and not isinstance(a, bool)
        and not isinstance(b, bool)
    ) or (isinstance(a, str) and isinstance(b, str))
