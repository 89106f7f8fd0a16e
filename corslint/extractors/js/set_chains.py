"""`new Set().add(a).add(b)`: an allow-list built by chaining `add` onto a new Set, read as
`new Set([a, b])` is (its entries, as a list). Only the whole chain from `new Set(...)` is
read; a Set filled by later statements (`allowed.add(x)`) stays unknown."""

from __future__ import annotations

from typing import Protocol

from corslint.extractors.js.syntax import Node, unwrap
from corslint.model import Location, Value


class Resolver(Protocol):
    """What a chain is read with (a `JsModule`)."""

    def text(self, node: Node) -> str: ...

    def resolve(self, node: Node, depth: int = 0) -> Value: ...


MAX_LINKS = 200


def set_chain(module: Resolver, node: Node, location: Location, depth: int) -> Value | None:
    """The entries of `new Set(...).add(x)...add(y)` (`node` is the last `add` call), or None
    when `node` is not such a chain or an entry is not known."""
    added: list[Node] = []
    current = unwrap(node)
    while current.type == "call_expression" and len(added) <= MAX_LINKS:
        function = unwrap(current.child_by_field_name("function"))
        if function is None or function.type != "member_expression":
            return None
        prop = function.child_by_field_name("property")
        arguments = current.child_by_field_name("arguments")
        named = [c for c in arguments.named_children if c.type != "comment"] if arguments else []
        if prop is None or module.text(prop) != "add" or len(named) != 1:
            return None
        added.append(named[0])
        current = unwrap(function.child_by_field_name("object"))
    if current.type != "new_expression":
        return None
    constructor = current.child_by_field_name("constructor")
    if constructor is None or module.text(constructor) != "Set":
        return None
    arguments = current.child_by_field_name("arguments")
    initial = [c for c in arguments.named_children if c.type != "comment"] if arguments else []
    entries: list[Value] = []
    if initial:
        start = module.resolve(initial[0], depth + 1)
        if not (start.known and isinstance(start.raw, tuple)):
            return None
        entries.extend(start.raw)
    for argument in reversed(added):
        entries.append(module.resolve(argument, depth + 1))
    return Value(tuple(entries), location)
