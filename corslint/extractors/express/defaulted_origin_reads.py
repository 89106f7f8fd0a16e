"""An origin function answering the request's Origin with a fallback: `ctx =>
ctx.request.header.origin || '*'` (shulandmimi/electro-server, @koa/cors). A browser's
cross-origin request always carries an Origin, so the fallback never answers one: the
answer is the Origin itself, every origin reflected."""

from __future__ import annotations

from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap, walk


def defaulted_origin_reads(module: JsModule, function: Node, spellings: set[str]) -> set[str]:
    """The texts of `<Origin read> || x` / `<Origin read> ?? x` in `function`."""
    found: set[str] = set()
    for node in walk(function):
        if node.type != "binary_expression":
            continue
        operator = node.child_by_field_name("operator")
        left = node.child_by_field_name("left")
        if operator is None or left is None or module.text(operator) not in {"||", "??"}:
            continue
        reads = _operands(module, unwrap(left))
        if any(read in spellings for read in reads) and all(
            read in spellings or _never_set(read) for read in reads
        ):
            found.add(module.text(node))
    return found


def _operands(module: JsModule, node: Node) -> list[str]:
    """The texts of an `a || b || c` chain's operands (`a` alone for any other node)."""
    operator = node.child_by_field_name("operator") if node.type == "binary_expression" else None
    if operator is None or module.text(operator) not in {"||", "??"}:
        return [module.text(node)]
    left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
    if left is None or right is None:
        return [module.text(node)]
    return [*_operands(module, unwrap(left)), *_operands(module, unwrap(right))]


def _never_set(text: str) -> bool:
    """`ctx.headers.Origin`: Node lower-cases the names in a request's `headers` object, so a
    capitalised property there is always undefined and the chain goes on to the next read
    (XoX-Gong/vip-project `ctx.headers.Origin || ctx.headers.origin || fallback`)."""
    holder, _, name = text.replace(" ", "").rpartition(".")
    return holder.endswith((".headers", ".header")) and name != name.lower() and name.isidentifier()
