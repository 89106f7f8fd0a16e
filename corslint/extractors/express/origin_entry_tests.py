"""An allow-list whose `.some()` callback decides, entry by entry, how the entry is compared:

    whitelist.some((w) => (w.startsWith("*.") && origin.endsWith(w.slice(1))) || origin === w)

(hdesumo/api-comptavision `src/server.mjs`). Each entry's own tests (`w.startsWith("*.")`)
are decided on its text, so each entry admits what the disjuncts left standing compare
with it: `https://app.example.com` exactly, `*.example.com` every Origin ending in
`.example.com`. A disjunct corslint cannot decide for an entry leaves the whole list
unknown."""

from __future__ import annotations

import dataclasses

from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, single_parameter, string_value, unwrap
from corslint.model import Regex, Value

_ORIGIN_TESTS = {"endsWith": "{}$", "startsWith": "^{}", "includes": "{}"}
_ENTRY_TESTS = frozenset({"startsWith", "endsWith", "includes"})
_CUTS = frozenset({"slice", "substring"})


def entry_tested_entries(
    module: JsModule, callback: Node, body: Node, name: str, holder: Value
) -> list[Value] | None:
    """What `list.some((entry) => ...)` admits when its body is a `||` of `&&` chains, each
    with exactly one test of `name`; None for any other body or an undecidable entry."""
    entry = single_parameter(callback)
    if entry is None or not (holder.known and isinstance(holder.raw, tuple)):
        return None
    disjuncts = _disjuncts(module, body)
    if disjuncts is None or not all(isinstance(item.raw, str) for item in holder.raw):
        return None
    admitted: list[Value] = []
    for item in holder.raw:
        text = item.raw
        assert isinstance(text, str)
        chosen: list[str | Regex] = []  # by a disjunct whose own tests of the entry held
        fallback: list[str | Regex] = []
        for conjuncts in disjuncts:
            tests = [c for c in conjuncts if _reads(module, c, name)]
            if len(tests) > 1:
                return None
            decided = [
                _entry_truth(module, c, entry, text) for c in conjuncts if not tests or c is not tests[0]
            ]
            if None in decided:
                return None
            if not all(decided):
                continue  # this comparison is not the one for this entry
            if not tests:
                return None  # `if (entry === "*") return true`: this entry admits every Origin
            compared = _origin_test(module, tests[0], name, entry, text)
            if compared is None:
                return None
            (chosen if decided else fallback).append(compared)
        # `*.x.com` also meets the plain `origin === w`, which no Origin equals: the entry
        # is read as the comparison written for it, not as one more (dead) literal
        kept = [*chosen, *(compared for compared in fallback if not (chosen and compared == text))]
        admitted += [dataclasses.replace(item, raw=compared) for compared in kept]
    return admitted


def _disjuncts(module: JsModule, body: Node) -> list[list[Node]] | None:
    """The body as a `||` of `&&` chains: an expression, or a block of `if (test) return X;`
    ending in `return false;` (RebelRoot/CAMPCART `api/server.js`, census 5 sample 22:
    `if (entry === '*') return true; if (entry === origin) return true; if
    (entry.startsWith('*.')) { return origin.endsWith(entry.slice(2)); } return false;`)."""
    body = unwrap(body)
    if body.type != "statement_block":
        parts = _operands(module, body, "||")
        return [_operands(module, part, "&&") for part in parts] if len(parts) >= 2 else None
    found: list[list[Node]] = []
    statements = [c for c in body.named_children if c.type != "comment"]
    for index, statement in enumerate(statements):
        last = index == len(statements) - 1
        if statement.type == "if_statement" and statement.child_by_field_name("alternative") is None:
            returned = _returned(statement.child_by_field_name("consequence"))
            condition = statement.child_by_field_name("condition")
            if returned is None or condition is None or module.text(returned) == "false":
                return None  # an early refusal or more than a return: not read
            tests = _operands(module, condition, "&&")
            found.append(
                tests if module.text(returned) == "true" else [*tests, *_operands(module, returned, "&&")]
            )
        elif last and statement.type == "return_statement":
            returned = _returned(statement)
            if returned is None or module.text(returned) != "false":
                return None
        else:
            return None
    return found if len(found) >= 2 else None


def _returned(node: Node | None) -> Node | None:
    """X of `return X;`, alone or as the only statement of a block."""
    if node is not None and node.type == "statement_block":
        inner = [c for c in node.named_children if c.type != "comment"]
        node = inner[0] if len(inner) == 1 else None
    if node is None or node.type != "return_statement":
        return None
    values = [c for c in node.named_children if c.type != "comment"]
    return unwrap(values[0]) if len(values) == 1 else None


def _operands(module: JsModule, node: Node, operator: str) -> list[Node]:
    node = unwrap(node)
    if node.type == "binary_expression" and module.text(node.child_by_field_name("operator")) == operator:
        return [
            *_operands(module, node.child_by_field_name("left"), operator),
            *_operands(module, node.child_by_field_name("right"), operator),
        ]
    return [node]


def _reads(module: JsModule, node: Node, name: str) -> bool:
    return any(child.type == "identifier" and module.text(child) == name for child in _descendants(node))


def _descendants(node: Node) -> list[Node]:
    found: list[Node] = []
    pending = [node]
    while pending:
        current = pending.pop()
        found.append(current)
        pending.extend(current.named_children)
    return found


def _call(module: JsModule, node: Node) -> tuple[str, str, list[Node]] | None:
    """`object.method(arguments)` as (object text, method, arguments)."""
    node = unwrap(node)
    if node.type != "call_expression":
        return None
    function = unwrap(node.child_by_field_name("function"))
    arguments = node.child_by_field_name("arguments")
    if function is None or function.type != "member_expression" or arguments is None:
        return None
    named = [child for child in arguments.named_children if child.type != "comment"]
    target = unwrap(function.child_by_field_name("object"))
    return module.text(target), module.text(function.child_by_field_name("property")), named


def _entry_truth(module: JsModule, node: Node, entry: str, text: str) -> bool | None:
    """A test of the entry alone (`w.startsWith("*.")`, `!w.includes("*")`, `w === "*"`)."""
    node = unwrap(node)
    if node.type == "unary_expression" and module.text(node).startswith("!"):
        inner = _entry_truth(module, node.child_by_field_name("argument"), entry, text)
        return None if inner is None else not inner
    if node.type == "binary_expression":
        operator = module.text(node.child_by_field_name("operator"))
        sides = [unwrap(node.child_by_field_name("left")), unwrap(node.child_by_field_name("right"))]
        for side, other in (sides, sides[::-1]):
            literal = string_value(other)
            if module.text(side) == entry and literal is not None and operator in {"===", "!=="}:
                return (text == literal) == (operator == "===")
        return None
    call = _call(module, node)
    if call is None or call[0] != entry or call[1] not in _ENTRY_TESTS or len(call[2]) != 1:
        return None
    part = string_value(call[2][0])
    if part is None:
        return None
    return {"startsWith": text.startswith, "endsWith": text.endswith, "includes": text.__contains__}[call[1]](
        part
    )


def _entry_text(module: JsModule, node: Node, entry: str, text: str) -> str | None:
    """The entry itself, or a cut of it (`w.slice(1)`, `w.substring(2)`)."""
    node = unwrap(node)
    if module.text(node) == entry:
        return text
    call = _call(module, node)
    if call is None or call[0] != entry or call[1] not in _CUTS or not 1 <= len(call[2]) <= 2:
        return None
    bounds = [module.text(unwrap(argument)) for argument in call[2]]
    if not all(bound.isdigit() for bound in bounds):
        return None
    numbers = [int(bound) for bound in bounds]
    return text[numbers[0] : numbers[1]] if len(numbers) == 2 else text[numbers[0] :]


def _origin_test(module: JsModule, node: Node, name: str, entry: str, text: str) -> str | Regex | None:
    """What `name` is compared with: `name === w` the entry's text, `name.endsWith(w.slice(1))`
    the anchored pattern of the cut."""
    node = unwrap(node)
    if node.type == "binary_expression" and module.text(node.child_by_field_name("operator")) in {
        "===",
        "==",
    }:
        sides = [unwrap(node.child_by_field_name("left")), unwrap(node.child_by_field_name("right"))]
        for side, other in (sides, sides[::-1]):
            if module.text(side) == name:
                return _entry_text(module, other, entry, text)
        return None
    call = _call(module, node)
    if call is None or call[0] != name or call[1] not in _ORIGIN_TESTS or len(call[2]) != 1:
        return None
    part = _entry_text(module, call[2][0], entry, text)
    if not part:
        return None
    escaped = "".join(f"\\{char}" if char in "\\^$.|?*+()[]{}/" else char for char in part)
    return Regex(_ORIGIN_TESTS[call[1]].format(escaped))
