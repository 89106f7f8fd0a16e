"""Header records copied onto a response by a loop over their entries:

    Object.entries(corsHeaders).forEach(([key, value]) => response.headers.set(key, value));
    for (const [key, value] of Object.entries(corsHeaders)) response.headers.set(key, value);

read by the Fetch Response reader and by Next.js middleware (ety001/ledgerjs-for-tron-dev's
root middleware.ts, blind set 15)."""

from __future__ import annotations

from collections.abc import Sequence

from corslint.extractors.js.declared_values import FUNCTIONS, enclosing_function
from corslint.extractors.js.method_calls import call_arguments
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap


def copied_by_loop(module: JsModule, call: Node, holder: str, scope: Node | None) -> Node | None:
    """`Object.entries(source).forEach(([key, value]) => holder.headers.set(key, value))`:
    the `Object.entries(source)` arguments node when `call` is that `set` inside such a
    callback of `scope`, else None."""
    function = call.child_by_field_name("function")
    text = module.text(function).replace(" ", "") if function is not None else ""
    if text not in {f"{holder}.set", f"{holder}.headers.set"}:
        return None
    callback = enclosing_function(call)
    loop = callback.parent.parent if callback is not None and callback.parent is not None else None
    if loop is None or loop.type != "call_expression" or enclosing_function(loop) != scope:
        return None
    callee = loop.child_by_field_name("function")
    entries = (
        callee.child_by_field_name("object")
        if callee is not None and callee.type == "member_expression"
        else None
    )
    if entries is None or entries.type != "call_expression" or not module.text(callee).endswith(".forEach"):
        return None
    if module.text(entries.child_by_field_name("function") or entries).replace(" ", "") != "Object.entries":
        return None
    arguments = entries.child_by_field_name("arguments")
    return arguments if arguments is not None and arguments.named_children else None


def entries_loop(module: JsModule, call: Node, arguments: Sequence[Node]) -> tuple[Node, Node] | None:
    """`for (const [key, value] of Object.entries(source)) holder.headers.set(key, value)`:
    the loop (the call's closest enclosing one) and its `source` node."""
    loop = call.parent
    while loop is not None and loop.type not in FUNCTIONS and loop.type != "for_in_statement":
        loop = loop.parent
    if loop is None or loop.type != "for_in_statement":
        return None
    left, right = loop.child_by_field_name("left"), loop.child_by_field_name("right")
    if left is None or right is None or unwrap(right).type != "call_expression":
        return None
    pattern = unwrap(left)
    names = [module.text(n) for n in pattern.named_children] if pattern.type == "array_pattern" else []
    if len(names) != 2 or [module.text(a) for a in arguments] != names:
        return None
    entries = unwrap(right)
    if module.text(entries.child_by_field_name("function") or entries).replace(" ", "") != "Object.entries":
        return None
    given = call_arguments(entries)
    return (loop, given[0]) if len(given) == 1 else None
