"""Settings objects made by a loader function, as the Litestar fullstack template writes
them: `(app, redis, db) = load_settings()` at module level, where the (`@lru_cache`d)
loader builds each section with `AppSettings.model_validate({})` in a `try` that only
logs and re-raises, and returns them as a tuple (the syntax: loader_syntax.py).

- `a, b = f()` binds each name to `f()[i]`, the element the call returns at its position;
- `Model.model_validate(mapping)` (pydantic 2) and `Model.parse_obj(mapping)` (pydantic 1)
  make the object `Model(**mapping)` makes: pydantic-settings 2.16 reads the environment
  for both, and the mapping's keys win over it (measured);
"""

from __future__ import annotations

import ast

from corslint.extractors.python.functions import CallResolver, opaque
from corslint.extractors.python.scope import Scope

VALIDATORS = frozenset({"model_validate", "parse_obj"})


def validated_as_made(call: ast.Call) -> ast.Call | None:
    """`Model.model_validate(mapping)` written as the call it stands for, `Model(**mapping)`."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr in VALIDATORS and len(call.args) == 1):
        return None
    if call.keywords or isinstance(call.args[0], ast.Starred):
        return None
    made = ast.Call(func=func.value, args=[], keywords=[ast.keyword(arg=None, value=call.args[0])])
    return ast.copy_location(made, call)


def returned_element(
    resolver: CallResolver, node: ast.Subscript, scope: Scope
) -> tuple[CallResolver, ast.expr, Scope] | None:
    """`f()[i]` of a project function returning a tuple: the module it is defined in, the
    expression at position `i` of what it returns, and the scope to read that in."""
    index = node.slice
    call = node.value
    if not (isinstance(index, ast.Constant) and type(index.value) is int and isinstance(call, ast.Call)):
        return None
    callee = resolver.callee(call.func, scope)
    if callee is None or opaque(callee):
        return None
    inner = scope.entering(callee.function, resolver.bind_arguments(callee, call, scope))
    reached = callee.module._reached_return(callee.function.body, inner)
    if isinstance(reached, str) or reached[0] is None or reached[0].value is None:
        return None
    returned = reached[0].value
    if not isinstance(returned, (ast.Tuple, ast.List)) or index.value >= len(returned.elts):
        return None
    if any(isinstance(item, ast.Starred) for item in returned.elts):
        return None
    return callee.module, returned.elts[index.value], inner
