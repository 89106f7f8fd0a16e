"""Tests in hand-written CORS code decided from known values alone, which the shared
resolver leaves to this reader (see `static_truth`)."""

from __future__ import annotations

import ast

from corslint.extractors.python_headers.frame import Frame, dotted

_TYPE_NAMES = {
    "str": (str,),
    "basestring": (str,),
    "string_types": (str,),
    "unicode": (str,),
    "list": (tuple,),
    "tuple": (tuple,),
    "set": (tuple,),
    "frozenset": (tuple,),
    "int": (int,),
    "float": (float,),
    "bool": (bool,),
    "dict": (dict,),
}


def static_truth(frame: Frame, test: ast.expr) -> bool | None:
    """Tests on known values that the shared resolver leaves: `x is None`, `isinstance(x, str)`,
    `b"Origin" not in vary`."""
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.In, ast.NotIn)):
        part, whole = frame.resolve(test.left), frame.resolve(test.comparators[0])
        if (
            part.known
            and whole.known
            and isinstance(part.raw, (str, bytes))
            and type(part.raw) is type(whole.raw)
        ):
            small, large = (
                v.encode("latin-1", "replace") if isinstance(v, str) else v for v in (part.raw, whole.raw)
            )
            return (small in large) == isinstance(test.ops[0], ast.In)
    if (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.ops[0], (ast.Is, ast.IsNot))
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value is None
    ):
        value = frame.resolve(test.left)
        if not value.known:
            return None
        return (value.raw is None) == isinstance(test.ops[0], ast.Is)
    if isinstance(test, ast.Call) and dotted(test.func) == "isinstance" and len(test.args) == 2:
        value = frame.resolve(test.args[0])
        if not value.known:
            return None
        kinds = test.args[1].elts if isinstance(test.args[1], ast.Tuple) else [test.args[1]]
        names = [dotted(kind).rsplit(".", 1)[-1] for kind in kinds]
        if not all(names):
            return None
        matched = any(
            isinstance(value.raw, _TYPE_NAMES[name]) and not (name == "int" and isinstance(value.raw, bool))
            for name in names
            if name in _TYPE_NAMES
        )
        if matched or all(name in _TYPE_NAMES for name in names):
            return matched
        # a class the value cannot be (`timedelta`): only plain values are resolved
        return False if isinstance(value.raw, (str, int, float, bool, tuple)) or value.raw is None else None
    return None
