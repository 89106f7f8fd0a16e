"""Allow-lists whose `*` entries are turned into RegExps when the request is tested:
`list.some((e) => { if (e.includes('*')) { const re = new RegExp('^' + e.replace('*.',
'[^.]+\\.') + '$'); return re.test(origin); } return origin === e; })` (BlasTrivi/sendix2.0
`backend/index.js`). The list is literal, so each `*` entry's pattern is known: built here
exactly as the callback builds it, the other entries compared as written."""

from __future__ import annotations

import re

from corslint.extractors.express.mixed_entries import quiet_returned, quiet_statements
from corslint.extractors.js.method_calls import call_arguments
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, single_parameter, string_value, unwrap
from corslint.model import Regex, Value

# a RegExp literal used as a `replace` pattern: only escapes and plain characters, which
# Python's `re` reads as JavaScript does
_PLAIN_PATTERN = re.compile(r"(?:\\[.*+?^$/\\-]|[A-Za-z0-9_.,:/ -])+")


def glob_entries(
    module: JsModule, callback: Node, body: Node, name: str, holder: Value
) -> list[Value] | None:
    """The entries a glob-reading `some` callback admits, one per list entry; None when the
    callback is not that shape or a pattern cannot be built here."""
    entry = single_parameter(callback)
    statements = quiet_statements(module, body)
    if entry is None or statements is None or len(statements) != 2:
        return None
    guard, last = statements
    if guard.type != "if_statement" or guard.child_by_field_name("alternative") is not None:
        return None
    if last.type != "return_statement" or not _equality(
        module, quiet_returned(module, body, last), entry, name
    ):
        return None
    if module.text(unwrap(guard.child_by_field_name("condition"))).replace(" ", "").replace('"', "'") != (
        f"{entry}.includes('*')"
    ):
        return None
    consequence = guard.child_by_field_name("consequence")
    built = _tested_regexp(module, consequence, name) if consequence is not None else None
    if built is None or not (holder.known and isinstance(holder.raw, tuple)):
        return None
    source, flags = built
    entries: list[Value] = []
    for item in holder.raw:
        if not (item.known and isinstance(item.raw, str)):
            return None
        if "*" not in item.raw:
            entries.append(item)
            continue
        pattern = _string_of(module, source, entry, item.raw)
        if pattern is None:
            return None
        entries.append(Value(Regex(pattern, flags), item.location, item.provenance, item.env_var))
    return entries


def _equality(module: JsModule, node: Node | None, entry: str, name: str) -> bool:
    return node is not None and module.text(node).replace(" ", "") in {
        f"{entry}==={name}",
        f"{name}==={entry}",
    }


def _tested_regexp(module: JsModule, consequence: Node, name: str) -> tuple[Node, str] | None:
    """The string expression of `new RegExp(EXPR, flags)` whose `test(name)` the block returns."""
    if consequence.type == "statement_block":
        statements = quiet_statements(module, consequence)
        if statements is None or statements[-1].type != "return_statement":
            return None
        if any(statement.type != "lexical_declaration" for statement in statements[:-1]):
            return None
        returned = quiet_returned(module, consequence, statements[-1])
    else:
        returned = None
    if returned is None or returned.type != "call_expression":
        return None
    function = unwrap(returned.child_by_field_name("function"))
    arguments = call_arguments(returned)
    if (
        function.type != "member_expression"
        or module.text(function.child_by_field_name("property")) != "test"
    ):
        return None
    if len(arguments) != 1 or module.text(unwrap(arguments[0])) != name:
        return None
    built = unwrap(function.child_by_field_name("object"))
    if built.type == "identifier":  # `const pattern = new RegExp(...)` in the block
        built = _local_value(module, consequence, module.text(built))
    if built is None or built.type != "new_expression":
        return None
    if module.text(built.child_by_field_name("constructor")) != "RegExp":
        return None
    parts = call_arguments(built)
    flags = string_value(parts[1]) if len(parts) == 2 else ""
    if not parts or len(parts) > 2 or flags not in {"", "i"}:
        return None
    return unwrap(parts[0]), flags


def _local_value(module: JsModule, block: Node, local: str) -> Node | None:
    for statement in block.named_children:
        if statement.type != "lexical_declaration":
            continue
        for declarator in statement.named_children:
            if (
                declarator.type == "variable_declarator"
                and module.text(declarator.child_by_field_name("name")) == local
            ):
                value = declarator.child_by_field_name("value")
                return unwrap(value) if value is not None else None
    return None


def _string_of(module: JsModule, node: Node, entry: str, value: str) -> str | None:
    """The string `node` evaluates to with `entry` bound to `value`: literals, `+`, and
    `replace` / `replaceAll` with a literal string (or plain RegExp) and a literal replacement."""
    node = unwrap(node)
    literal = string_value(node)
    if literal is not None:
        return literal
    if node.type == "identifier":
        return value if module.text(node) == entry else None
    if node.type == "binary_expression" and module.text(node.child_by_field_name("operator")) == "+":
        left = _string_of(module, node.child_by_field_name("left"), entry, value)
        right = _string_of(module, node.child_by_field_name("right"), entry, value)
        return left + right if left is not None and right is not None else None
    if node.type != "call_expression":
        return None
    function = unwrap(node.child_by_field_name("function"))
    arguments = call_arguments(node)
    if function.type != "member_expression" or len(arguments) != 2:
        return None
    method = module.text(function.child_by_field_name("property"))
    receiver = _string_of(module, function.child_by_field_name("object"), entry, value)
    replacement = string_value(arguments[1])
    if (
        receiver is None
        or replacement is None
        or "$" in replacement
        or method not in {"replace", "replaceAll"}
    ):
        return None
    searched = unwrap(arguments[0])
    text = string_value(searched)
    if text is not None:
        return receiver.replace(text, replacement, -1 if method == "replaceAll" else 1)
    if searched.type != "regex":
        return None
    pattern = module.text(searched.child_by_field_name("pattern"))
    flags_node = searched.child_by_field_name("flags")
    flags = module.text(flags_node) if flags_node is not None else ""
    if not _PLAIN_PATTERN.fullmatch(pattern) or flags not in {"", "g"}:
        return None
    return re.sub(pattern, lambda _: replacement, receiver, count=0 if flags == "g" else 1)
