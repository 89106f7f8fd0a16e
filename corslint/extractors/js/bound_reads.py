"""Reads of a name bound once in a JS module that look past its declaration: a property of
a destructured binding (`const { cors } = settings.api`) and property assignments made
after an object's declaration (`opts.credentials = true`)."""

from __future__ import annotations

from typing import Any

from corslint.extractors.js.dotenv_values import committed_env_value
from corslint.extractors.js.syntax import Node, unwrap
from corslint.model import Value


def destructured_binding(module: Any, name: str, depth: int) -> Value | None:
    """`const { cors } = settings.api` (bound once, never reassigned): the property."""
    declarators = module.declarators.get(name, [])
    if len(declarators) != 1 or module.assignments.get(name):
        return None
    pattern = declarators[0].child_by_field_name("name")
    source = declarators[0].child_by_field_name("value")
    if pattern is None or source is None or pattern.type != "object_pattern":
        return None
    for child in pattern.named_children:
        if child.type == "shorthand_property_identifier_pattern" and module.text(child) == name:
            key = name
        elif child.type == "pair_pattern" and module.text(child.child_by_field_name("value")) == name:
            key = module.text(child.child_by_field_name("key")).strip("'\"")
        else:
            continue
        if module.text(unwrap(source)) in {"process.env", "import.meta.env"}:  # `const { X } = process.env`
            return committed_env_value(module, key, module.location(child)) or module.unknown(child, key)
        whole = module.resolve(source, depth)
        if whole.known and isinstance(whole.raw, dict) and key in whole.raw:
            found: Value = whole.raw[key]
            return found
        return None
    return None


def with_property_assignments(module: Any, name: str, value: Value, use: Node, depth: int) -> Value:
    """`opts.credentials = true` after `const opts = {...}` and before the use."""
    if not value.known or not isinstance(value.raw, dict):
        return value
    entries = dict(value.raw)
    changed = False
    for assignment in module.assignments.get(name, []):
        if assignment.start_byte > use.start_byte:
            continue
        left = unwrap(assignment.child_by_field_name("left"))
        if left.type not in {"member_expression", "subscript_expression"}:
            continue
        if unwrap(left.child_by_field_name("object")).type != "identifier":
            continue  # opts.a.b = ...: a nested change we do not follow
        key = module.member_key(left, depth)
        if key is None:
            entries["**"] = module.unknown(assignment)
        else:
            entries[key] = module.resolve(assignment.child_by_field_name("right"), depth)
        changed = True
    return (
        Value(entries, value.location, value.provenance, value.env_var, value.description)
        if changed
        else value
    )
