"""Lambda results handed to a Promise's `resolve`: a handler that `return new Promise((resolve)
=> { https.get(url, (res) => { ... resolve({ statusCode: 200, headers: {...} }) }) })` answers
with each object it resolves the promise with (Lambda awaits the returned promise).

Seen: find_string `resolve({ statusCode: 200, headers: {`: 10 hits, 2 of them Lambda handlers
with CORS headers (ids 45354967031, `*` with credentials after a SQL query; 52587189848, `*`
in every branch of an `https.get` callback); the others are test doubles and helpers without
CORS headers, which read nothing here."""

from __future__ import annotations

from corslint.extractors.express.response_headers import nodes_within, parameter_names
from corslint.extractors.js.declared_values import enclosing_function
from corslint.extractors.js.method_calls import call_arguments
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap

_EXECUTORS = frozenset({"arrow_function", "function_expression"})


def resolved_results(module: JsModule, returned: Node) -> list[tuple[Node, Node]]:
    """(result, statement) for each `resolve(result)` of the Promise `returned` builds."""
    node = unwrap(returned)
    if node.type == "await_expression" and node.named_children:
        node = unwrap(node.named_children[0])
    if node.type != "new_expression":
        return []
    constructor = node.child_by_field_name("constructor")
    arguments = call_arguments(node)
    if constructor is None or module.text(constructor) != "Promise" or len(arguments) != 1:
        return []
    executor = unwrap(arguments[0])
    names = parameter_names(module, executor) if executor.type in _EXECUTORS else []
    if not names or not names[0]:
        return []
    found: list[tuple[Node, Node]] = []
    for call in nodes_within(module.of_kind("call_expression"), executor):
        callee = call.child_by_field_name("function")
        passed = call_arguments(call)
        if callee is None or module.text(callee) != names[0] or len(passed) != 1:
            continue
        if _rebound(module, call, executor, names[0]):
            continue
        found.append((unwrap(passed[0]), call.parent if call.parent is not None else call))
    return found


def _rebound(module: JsModule, call: Node, executor: Node, name: str) -> bool:
    """Whether a function between the executor and the call names a parameter `name`."""
    inner = enclosing_function(call)
    while inner is not None and inner.id != executor.id:
        if name in parameter_names(module, inner):
            return True
        inner = enclosing_function(inner)
    return inner is None
