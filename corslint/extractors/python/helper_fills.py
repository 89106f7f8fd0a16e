"""A list or set handed to a project helper that fills it: `_add_dev_host(origins, port)`
whose body does `origins.add(f"http://localhost:{port}")` (census5 sample 179,
111qaz1/functional-medicine-ai backend/app/main.py). The helper's body is run on the value
with the call's arguments bound: its in-place changes of the parameter apply, an early
`return` under a test decided with environment defaults ends it, and anything the body
does that cannot be followed leaves the value unknown (never silently unchanged)."""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any, Protocol

from corslint.extractors.python.flow import FUNCTIONS, deep_bound_names, mutates
from corslint.extractors.python.scope import MAX_DEPTH, Frame, Scope
from corslint.model import Provenance, Value

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


# functions.Callee (a frozen dataclass of the function, its module and what `self` holds):
# named loosely here, so that this module need not import the one that calls it
Callee = Any


class CallResolver(Protocol):
    """What of functions.CallResolver (which calls this module) following a helper needs."""

    def callee(self, func: ast.expr, scope: Scope) -> Callee | None: ...
    def bind_arguments(self, callee: Callee, call: ast.Call, scope: Scope) -> Frame: ...
    def decide(self, test: ast.expr, scope: Scope) -> Value | None: ...
    def source(self, node: ast.AST) -> str: ...
    def apply_mutations(
        self, value: Value, name: str, statements: tuple[ast.stmt, ...], scope: Scope
    ) -> Value: ...


def filled(
    resolver: CallResolver,
    value: Value,
    name: str,
    call: ast.Call,
    scope: Scope,
    opaque: Callable[[Callee], str],
) -> Value:
    """What `call` leaves in the object `name` holds (`value`); `opaque` says why a
    function cannot be followed ("" when it can)."""
    callee = resolver.callee(call.func, scope)
    if callee is None:
        return value  # a library function or one not found: as before helpers were followed
    parameter = _receiving(callee, call, name)
    if parameter is None:
        return value
    function: FunctionNode = callee.function
    if not any(mutates(statement, parameter) for statement in function.body):
        return value  # it reads the object only
    why = opaque(callee)
    if why or scope.depth > MAX_DEPTH:
        return _unknown(resolver, value, call, why or "followed too deep")
    inner = scope.entering(function, resolver.bind_arguments(callee, call, scope))
    return _run(callee.module, value, parameter, function.body, inner, call, resolver)


def _receiving(callee: Callee, call: ast.Call, name: str) -> str | None:
    """The parameter of the helper that the call hands `name` to."""
    function: FunctionNode = callee.function
    arguments = function.args
    positional = [a.arg for a in (*arguments.posonlyargs, *arguments.args)]
    if callee.bound is not None:
        positional = positional[1:]
    for index, argument in enumerate(call.args):
        if isinstance(argument, ast.Starred):
            return None
        if isinstance(argument, ast.Name) and argument.id == name and index < len(positional):
            return positional[index]
    for keyword in call.keywords:
        if isinstance(keyword.value, ast.Name) and keyword.value.id == name:
            return keyword.arg
    return None


def _run(
    module: CallResolver,
    value: Value,
    parameter: str,
    body: list[ast.stmt],
    scope: Scope,
    call: ast.Call,
    caller: CallResolver,
) -> Value:
    for statement in body:
        if isinstance(statement, ast.Return):
            return value
        if isinstance(statement, ast.If) and _returns_only(statement.body) and not statement.orelse:
            decided = module.decide(statement.test, scope)
            if decided is None:
                return _unknown(
                    caller, value, call, f"returns early under `if {module.source(statement.test)}`"
                )
            if decided.raw:
                return value
            continue
        if parameter in deep_bound_names(statement):
            return _unknown(caller, value, call, f"rebinds `{parameter}`")
        if isinstance(statement, (*FUNCTIONS, ast.ClassDef)):
            continue
        if any(isinstance(node, (ast.Return, ast.Raise)) for node in ast.walk(statement)):
            return _unknown(caller, value, call, "may return or raise on the way")
        if mutates(statement, parameter):
            value = module.apply_mutations(value, parameter, (statement,), scope)
            if not value.known:
                return value
    return value


def _returns_only(body: list[ast.stmt]) -> bool:
    return len(body) == 1 and isinstance(body[0], ast.Return) and body[0].value is None


def _unknown(resolver: CallResolver, value: Value, call: ast.Call, why: str) -> Value:
    return Value(
        None,
        value.location,
        Provenance.UNKNOWN,
        value.env_var,
        f"changed by {resolver.source(call)} ({why})",
        value.related,
    )
