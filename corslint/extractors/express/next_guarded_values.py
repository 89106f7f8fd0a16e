"""A header value chosen by an allow-list test of the request's Origin, written in a Next.js
middleware: `response.headers.set("Access-Control-Allow-Origin", isAllowedOrigin ? origin :
allowedOrigins[0])` with `const isAllowedOrigin = allowedOrigins.includes(origin)`
(TemitopeAde/Raphsodies `src/middleware.js`: listed origins echoed, every other origin
given the list's first entry, `"*"`). The value becomes two steps, one for the origins the
list admits and one for the rest, under the policy's allow-list `guard`, as hand-written
Express headers are modelled. `origin || ''` is the Origin read, not the constant `''`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from corslint.extractors.express.origin_membership import membership
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap
from corslint.model import FunctionValue, HeaderReflection, Value

Bound = Callable[[JsModule, str, Node], "Node | None"]  # a name's value where it is used


@dataclass(frozen=True)
class GuardedValue:
    """A value that depends on whether the Origin is in `guard`'s allow-list."""

    guard: Value  # FunctionValue("allow-list", entries)
    listed: Value  # sent to the origins the list admits
    other: Value  # sent to every other origin


def guarded_value(
    module: JsModule, node: Node, use: Node, bound: Bound, is_origin_read: Callable[[Node], bool]
) -> Value | None:
    """`test ? a : b` where `test` checks the Origin against a known list and one arm is
    the Origin itself; None for any other value."""
    node = unwrap(node)
    if node.type == "identifier":
        declared = bound(module, module.text(node), use)
        node = unwrap(declared) if declared is not None else node
    if node.type != "ternary_expression":
        return None
    test = unwrap(node.child_by_field_name("condition"))
    if test.type == "identifier":
        declared = bound(module, module.text(test), use)
        test = unwrap(declared) if declared is not None else test
    consequence = node.child_by_field_name("consequence")
    alternative = node.child_by_field_name("alternative")
    if consequence is None or alternative is None:
        return None
    for echoed, other, positive in ((consequence, alternative, True), (alternative, consequence, False)):
        name = _origin_name(module, echoed, use, bound, is_origin_read)
        if name is None:
            continue
        found = membership(module, test, name, positive)
        if found is None:
            return None
        entries, _ = found
        location = module.location(node)
        return Value(
            GuardedValue(
                Value(FunctionValue("allow-list", tuple(entries)), module.location(test)),
                Value(HeaderReflection("reflect-all", source="origin"), module.location(echoed)),
                module.resolve(other),
            ),
            location,
        )
    return None


def _origin_name(
    module: JsModule, node: Node, use: Node, bound: Bound, is_origin_read: Callable[[Node], bool]
) -> str | None:
    """The name the Origin is read into (`const origin = req.headers.get("origin") || ""`)."""
    node = unwrap(node)
    if node.type != "identifier":
        return None
    declared = bound(module, module.text(node), use)
    if declared is None or not is_origin_read(unwrap(declared)):
        return None
    return module.text(node)


def pinned_by_guard(module: JsModule, call: Node, written: Node) -> Value | None:
    """The value `written` must hold where `call` runs, when the `if` holding it compares it
    with a constant: `if (origin === "http://localhost:3000") res.headers.set(ACAO, origin)`
    writes that constant (maimoon2546/student-management `BACK_END/middleware.js`)."""
    parent = call.parent
    while parent is not None and parent.type != "if_statement":
        parent = parent.parent
    if parent is None:
        return None
    consequence = parent.child_by_field_name("consequence")
    condition = parent.child_by_field_name("condition")
    if consequence is None or condition is None or not consequence.start_byte <= call.start_byte:
        return None
    if call.end_byte > consequence.end_byte:
        return None
    test = unwrap(condition)
    if test.type != "binary_expression" or module.text(test.child_by_field_name("operator")) not in {
        "===",
        "==",
    }:
        return None
    left, right = test.child_by_field_name("left"), test.child_by_field_name("right")
    for side, other in ((left, right), (right, left)):
        if module.text(unwrap(side)) == module.text(unwrap(written)):
            value = module.resolve(other)
            return value if value.known and isinstance(value.raw, str) else None
    return None
