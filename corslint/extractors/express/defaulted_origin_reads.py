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
        if module.text(unwrap(left)) in spellings:
            found.add(module.text(node))
    return found
