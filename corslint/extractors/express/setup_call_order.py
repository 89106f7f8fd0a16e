"""Which of two registrations runs first when each sits in its own setup function that the
module calls: `const routes = (app) => {...}; const middlewares = (app) => { app.use(cors()) }`
then `middlewares(app); routes(app);` (blind set 23: egomez-2021272/DebuggersEats
configs/app.js). Express registers in the order the code runs, which is the order of the
calls, not of the functions' definitions."""

from __future__ import annotations

from corslint.extractors.js.declared_values import declared_name, enclosing_function
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap


def runs_before(module: JsModule, first: Node, second: Node) -> bool | None:
    """Whether the registration `first` runs before `second`, when they sit in two named
    functions the module calls once each, from the same function; None otherwise."""
    outer_first, outer_second = enclosing_function(first), enclosing_function(second)
    if outer_first is None or outer_second is None or outer_first.id == outer_second.id:
        return None
    call_first, call_second = _sole_call(module, outer_first), _sole_call(module, outer_second)
    if call_first is None or call_second is None:
        return None
    caller_first, caller_second = enclosing_function(call_first), enclosing_function(call_second)
    same_caller = (
        caller_first.id == caller_second.id
        if caller_first is not None and caller_second is not None
        else caller_first is caller_second
    )
    if not same_caller:
        return None
    return bool(call_first.start_byte < call_second.start_byte)


def _sole_call(module: JsModule, function: Node) -> Node | None:
    """The one call of the top-level function `function` by its name in the module."""
    if enclosing_function(function) is not None:
        return None
    name = declared_name(module, function)
    if name is None:
        return None
    calls = [
        call
        for call in module.of_kind("call_expression")
        if module.text(unwrap(call.child_by_field_name("function"))) == name
    ]
    return calls[0] if len(calls) == 1 else None
