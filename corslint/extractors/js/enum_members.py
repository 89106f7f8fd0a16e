"""TypeScript enums as the constant objects they compile to: `enum ResponseHeaderValue {
ANY_ORIGIN = '*', METHODS = 'GET,POST,OPTIONS' }` makes `ResponseHeaderValue.ANY_ORIGIN`
the string `*` (Hidrasoft/lambda-ateneapos-moneda `src/core/utils/Constans.ts`, read by the
Lambda results of `src/app.ts`). A member without an initialiser continues the numbering
(0 first, or one more than the numeric member before it); a computed member is unknown."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from corslint.extractors.js.syntax import Node, number_value, string_value
from corslint.model import Location, Provenance, Value

_ENUMS = frozenset({"enum_declaration"})


class _Module(Protocol):
    root: Node

    def text(self, node: Node) -> str: ...
    def location(self, node: Node) -> Location: ...


def top_level_enums(module: _Module) -> Iterator[tuple[str, Node]]:
    """Each enum declared at the top of the module (exported or not): its name and body."""
    for statement in module.root.named_children:
        declaration = (
            statement.child_by_field_name("declaration")
            if statement.type == "export_statement"
            else statement
        )
        if declaration is None or declaration.type not in _ENUMS:
            continue
        name, body = declaration.child_by_field_name("name"), declaration.child_by_field_name("body")
        if name is not None and body is not None:
            yield module.text(name), body


def enum_object(module: _Module, body: Node, location: Location) -> Value:
    """The members of an enum body, as an object of their values."""
    members: dict[str, Value] = {}
    following: int | float | None = 0
    for member in body.named_children:
        name = member.child_by_field_name("name") if member.type == "enum_assignment" else member
        if name is None or member.type not in {"enum_assignment", "property_identifier", "string"}:
            continue
        key = string_value(name) if name.type == "string" else module.text(name)
        value_node = member.child_by_field_name("value") if member.type == "enum_assignment" else None
        if not key:
            continue
        if value_node is None:  # no initialiser: the next number
            if following is None:
                members[key] = _unknown(module, member)
                continue
            members[key] = Value(following, module.location(member))
            following += 1
            continue
        text = string_value(value_node)
        number = number_value(module.text(value_node)) if value_node.type == "number" else None
        if text is not None:
            members[key] = Value(text, module.location(value_node))
            following = None  # a member after a string one needs its own initialiser
        elif number is not None:
            members[key] = Value(number, module.location(value_node))
            following = number + 1
        else:
            members[key] = _unknown(module, value_node)
            following = None
    return Value(members, location)


def _unknown(module: _Module, node: Node) -> Value:
    return Value(None, module.location(node), Provenance.UNKNOWN, None, module.text(node)[:80])
