"""Origin callbacks that overwrite their `origin` parameter before testing it:

    origin: function (origin, callback) {
      origin = 'https://www.shop.example';          // left from debugging
      if (whitelist.indexOf(origin) !== -1) callback(null, true);
      else callback(new Error('Not allowed'));
    }

(set 18: heshamelmasry77/loopback-mongodb-zeit-now `server/middleware.production.js`). The
test then checks the constant, never the request's Origin: when the constant is listed
every request is allowed, and `callback(null, true)` makes the cors package reflect the
request's own Origin (reflect-all, measured with cors 2.8.6 in
tests/test_differential_loopback_middleware.py); when it is not, every request is refused.
A constant written any other way (twice, in a branch, after an answer) makes the
classification unknown, never an allow-list the function does not really check; writes
that derive from the request's Origin (`origin = origin.trim()`) are left as they were read."""

from __future__ import annotations

from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, string_value, unwrap, walk
from corslint.model import FunctionValue, OriginFunction

_ASSIGNMENTS = frozenset({"assignment_expression", "augmented_assignment_expression"})


def overwritten_origin(module: JsModule, function: Node, classified: FunctionValue) -> FunctionValue:
    """`classified` (what `classify_origin_function` read) as the overwritten parameter makes it."""
    parameters = _parameter_names(module, function)
    if len(parameters) < 2 or classified.kind == "unknown":
        return classified
    name, callback = parameters[0], parameters[1]
    writes = [
        node
        for node in walk(function)
        if node.type in _ASSIGNMENTS and module.text(unwrap(node.child_by_field_name("left"))) == name
    ]
    if not any(_constant_write(node) for node in writes):
        return classified  # `origin = origin.trim()`: the request's Origin, tidied (as before)
    constant = _leading_constant(module, function, writes, callback)
    if constant is None or not isinstance(classified, OriginFunction) or classified.kind != "allow-list":
        return FunctionValue("unknown")
    if any(not entry.known or not isinstance(entry.raw, str) for entry in classified.allowed):
        return FunctionValue("unknown")  # a pattern: not compared here
    if any(entry.raw == constant for entry in classified.allowed):
        return FunctionValue("reflect-all")
    return FunctionValue("deny-all")


def _leading_constant(module: JsModule, function: Node, writes: list[Node], callback: str) -> str | None:
    """The string of the one `origin = "..."` statement of the function's own body, made
    before any call of the callback; None for any other write."""
    if len(writes) != 1 or writes[0].type != "assignment_expression":
        return None
    write = writes[0]
    statement = write.parent
    body = function.child_by_field_name("body")
    if statement is None or statement.type != "expression_statement" or statement.parent != body:
        return None
    for node in walk(function):
        if node.type == "call_expression" and node.start_byte < write.start_byte:
            callee = node.child_by_field_name("function")
            if callee is not None and module.text(callee) == callback:
                return None
    right = write.child_by_field_name("right")
    return string_value(right) if right is not None else None


def _parameter_names(module: JsModule, function: Node) -> list[str]:
    """The function's parameters as written (`origin`, `callback`; a typed one's pattern)."""
    parameters = function.child_by_field_name("parameters")
    names = []
    for parameter in parameters.named_children if parameters is not None else ():
        target = parameter
        if parameter.type in {"required_parameter", "optional_parameter"}:
            target = parameter.child_by_field_name("pattern") or parameter
        names.append(module.text(target))
    return names


def _constant_write(write: Node) -> bool:
    right = write.child_by_field_name("right")
    return right is not None and string_value(right) is not None
