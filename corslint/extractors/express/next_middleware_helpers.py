"""A Next.js middleware's response handed to a helper of the project that writes headers on
it: `applyCors(response)`, `response = setCorsHeaders(response, origin)`, `return
withCors(NextResponse.next())`, the helper imported from another module (`@/lib/cors`)
or defined beside the middleware, `function applyCors(res) { res.headers.set(NAME,
VALUE); ...; return res }`. The helper's writes on its first parameter are the writes on
the response (a helper that returns anything else, or that the call does not hand the
response first, or that may return before its writes, is not read: the site keeps what it
had). A written value that is one of the helper's parameters is the call's argument there
(`addCorsHeaders(NextResponse.next(), request.headers.get('origin'))` reflects)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from corslint.extractors.express.response_headers import called_functions, returned_expressions
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap, walk
from corslint.model import Location, Provenance, Value

SetCalls = Callable[[JsModule, str, Node], list[tuple[str, Value]]]
ValueOf = Callable[[JsModule, Node, Node], Value]  # a written value at a use (`_header_value`)
_READING: set[tuple[str, int]] = set()  # helpers being read (a helper calling itself)


def passed_response_writes(
    module: JsModule, call: Node, holder: str | None, set_calls: SetCalls, value_of: ValueOf
) -> list[tuple[str, Value]] | None:
    """The headers the helper `call` names writes on the response it is handed first (the
    variable `holder`, when given), or None when `call` is no such helper call."""
    arguments = call.child_by_field_name("arguments")
    args = [a for a in arguments.named_children if a.type != "comment"] if arguments is not None else []
    callee = call.child_by_field_name("function")
    if not args or callee is None or unwrap(callee).type != "identifier":
        return None
    if holder is not None and not (
        unwrap(args[0]).type == "identifier" and module.text(unwrap(args[0])) == holder
    ):
        return None
    found = called_functions(module, callee)
    if len(found) != 1:
        return None
    home, helper = found[0]
    parameter = _first_parameter(home, helper)
    body = helper.child_by_field_name("body")
    if parameter is None or body is None or body.type != "statement_block":
        return None
    if not _returns_only_at_end(home, helper, body, parameter):
        return None
    names = _parameter_names(home, helper)
    if _derives_from_parameters(home, body, {name for name in names[1:] if name is not None}):
        return None
    key = (home.path, helper.start_byte)
    if key in _READING:
        return None
    _READING.add(key)
    try:
        pairs = set_calls(home, parameter, body.children[-1])  # every write before its end
    finally:
        _READING.discard(key)
    written = _parameter_writes(home, body, names)
    return [(name, _argument_value(module, call, args, written, value, value_of)) for name, value in pairs]


def _returns_only_at_end(module: JsModule, helper: Node, body: Node, parameter: str) -> bool:
    """No early `return` (a helper that returns before its writes for some requests, `if
    (!allowed(origin)) return`, writes under a test this model does not see) and no
    `throw`: at most one `return parameter`, its last statement."""
    statements = [child for child in body.named_children if child.type != "comment"]
    returns = returned_expressions(module, helper)
    bare = [node for node in walk(body) if node.type == "return_statement" and not node.named_children]
    if any(node.type == "throw_statement" for node in walk(body)) or bare:
        return False  # (nested functions' returns included: a callback's bare return refuses too)
    if not returns:
        return True
    last = statements[-1] if statements else None
    return (
        len(returns) == 1
        and last is not None
        and last.type == "return_statement"
        and returns[0].type == "identifier"
        and module.text(returns[0]) == parameter
    )


def _set_values(module: JsModule, body: Node) -> list[Node]:
    """The value of each `x.set(name, value)` call in the helper."""
    found = []
    for call in walk(body):
        function = call.child_by_field_name("function") if call.type == "call_expression" else None
        arguments = call.child_by_field_name("arguments") if function is not None else None
        if function is None or arguments is None or not module.text(function).endswith(".set"):
            continue
        args = [a for a in arguments.named_children if a.type != "comment"]
        if len(args) == 2:
            found.append(args[1])
    return found


def _derives_from_parameters(module: JsModule, body: Node, parameters: set[str]) -> bool:
    """A value written with `.set(name, value)` that reads a parameter without being it
    (`origin ?? '*'`, `` `${origin}` ``): what the call hands in decides it, and the helper
    alone would be judged on a guess."""
    for value in _set_values(module, body):
        if unwrap(value).type == "identifier" and module.text(unwrap(value)) in parameters:
            continue
        if any(node.type == "identifier" and module.text(node) in parameters for node in walk(value)):
            return True
    return False


def _parameter_writes(module: JsModule, body: Node, names: list[str | None]) -> dict[Location, int]:
    """Where the helper writes one of its parameters (but the first) as a value: the
    location of that value, and the parameter's place."""
    found = {}
    for value in _set_values(module, body):
        value = unwrap(value)
        if value.type == "identifier" and module.text(value) in names[1:]:
            found[module.location(value)] = names.index(module.text(value))
    return found


def _argument_value(
    module: JsModule,
    call: Node,
    args: list[Node],
    written: dict[Location, int],
    value: Value,
    value_of: ValueOf,
) -> Value:
    """A written value that is one of the helper's parameters (`origin`), as the call's
    argument in that place: the request's Origin read at the call is the reflection it is."""
    index = written.get(value.location)
    if index is None:
        return value
    if index >= len(args):  # nothing handed there: `undefined`
        return Value(None, value.location, Provenance.UNKNOWN, description="a parameter the call leaves out")
    # reported where the helper writes it (one place for every call of the helper)
    return dataclasses.replace(value_of(module, args[index], call), location=value.location)


def _parameter_names(module: JsModule, function: Node) -> list[str | None]:
    parameters = function.child_by_field_name("parameters")
    names: list[str | None] = []
    for parameter in parameters.named_children if parameters is not None else ():
        pattern = parameter.child_by_field_name("pattern") or parameter
        if pattern.type == "assignment_pattern":
            pattern = pattern.child_by_field_name("left") or pattern
        names.append(module.text(pattern) if pattern.type == "identifier" else None)
    return names


def _first_parameter(module: JsModule, function: Node) -> str | None:
    names = _parameter_names(module, function)
    if function.child_by_field_name("parameters") is None:  # `res => ...`
        single = function.child_by_field_name("parameter")
        return module.text(single) if single is not None and single.type == "identifier" else None
    return names[0] if names else None
