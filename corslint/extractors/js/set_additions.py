"""A Set made once and filled by later statements, read where an origin function tests it:

    const permitted = new Set();
    permitted.add("http://localhost:3000");
    if (process.env.WEB_URL) permitted.add(canonical(process.env.WEB_URL));

(huyphuc2k37-afk/backend `src/index.ts`). A use inside a function runs after every
statement of the module: an `add` written as a statement of the module itself adds its
entry; one under a condition, in a loop or inside a function adds an entry corslint does
not know (CORS305 for it, the other entries still judged). Only uses inside functions are
read this way: at module level the statements after the use have not run yet."""

from __future__ import annotations

from typing import Protocol

from corslint.extractors.js.syntax import Node, unwrap
from corslint.model import Location, Provenance, Value

_FUNCTIONS = frozenset(
    {"arrow_function", "function_expression", "function", "function_declaration", "method_definition"}
)


class _Module(Protocol):
    def text(self, node: Node) -> str: ...
    def resolve(self, node: Node, depth: int = 0) -> Value: ...
    def unknown(self, node: Node, env_var: str | None = None) -> Value: ...
    def of_kind(self, kind: str) -> list[Node]: ...


def with_set_additions(
    module: _Module, name: str, bound: Node, use: Node, location: Location, depth: int
) -> Value | None:
    """The entries of the Set `name` is bound to (`bound`: `new Set()` or `new Set([...])`)
    after the module's `name.add(x)` statements; None when `bound` is no Set, nothing adds
    to it, or the use is not inside a function."""
    bound = unwrap(bound)
    constructor = bound.child_by_field_name("constructor") if bound.type == "new_expression" else None
    if constructor is None or module.text(constructor) != "Set" or not _inside_function(use):
        return None
    added = _additions(module, name)
    if not added:
        return None
    arguments = bound.child_by_field_name("arguments")
    initial = [c for c in arguments.named_children if c.type != "comment"] if arguments else []
    entries: list[Value] = []
    if initial:
        start = module.resolve(initial[0], depth + 1)
        if not (start.known and isinstance(start.raw, tuple)):
            return None
        entries += start.raw
    for call, argument in added:
        if _module_statement(call):
            entries.append(module.resolve(argument, depth + 1))
        else:
            entries.append(module.unknown(argument))
    return Value(tuple(entries), location, Provenance.CONSTANT)


def _additions(module: _Module, name: str) -> list[tuple[Node, Node]]:
    found = []
    for call in module.of_kind("call_expression"):
        function = unwrap(call.child_by_field_name("function"))
        if function is None or function.type != "member_expression":
            continue
        if module.text(unwrap(function.child_by_field_name("object"))) != name:
            continue
        if module.text(function.child_by_field_name("property")) != "add":
            continue
        arguments = call.child_by_field_name("arguments")
        named = [c for c in arguments.named_children if c.type != "comment"] if arguments else []
        if len(named) != 1:
            return []  # `add()` or `add(a, b)`: not a plain addition
        found.append((call, named[0]))
    return found


def _module_statement(call: Node) -> bool:
    """`name.add(x);` written as a statement of the module itself."""
    parent = call.parent
    return (
        parent is not None
        and parent.type == "expression_statement"
        and parent.parent is not None
        and parent.parent.type == "program"
    )


def _inside_function(node: Node) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.type in _FUNCTIONS:
            return True
        parent = parent.parent
    return False
