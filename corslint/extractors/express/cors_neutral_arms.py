"""An `if` whose arms cannot change a response's CORS headers: neither arm writes an
`Access-Control-*` or `Vary` header, returns, answers (`res.send(...)`), or hands the
request on. Whatever its test (even one corslint cannot decide, `if (!skipAuthorize) {
authorize(actor, ...) }`, `if (range) { ctx.status = 206; ... }`), the headers written
before and after it are the same on both paths, so the steps after it do not depend on
it. An arm that throws ends only requests that fail anyway (an error answer, as for a
test on the path)."""

from __future__ import annotations

from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, string_value, walk

_FUNCTIONS = frozenset({"arrow_function", "function_expression", "function_declaration", "function"})
_ANSWERING = frozenset(
    {"send", "end", "json", "jsonp", "sendStatus", "sendFile", "redirect", "render", "writeHead"}
)


def leaves_cors_alone(module: JsModule, arms: tuple[Node | None, ...], next_name: str) -> bool:
    for arm in arms:
        if arm is None:
            continue
        for node in walk(arm):
            if node.type in {"return_statement", "yield_expression"} or node.type in _FUNCTIONS:
                return False  # an answer here, or code run later that corslint would not place
            if node.type in {"string", "template_string"}:
                text = (string_value(node) or module.text(node)).strip("'\"`").lower()
                if text.startswith(("access-control-", "vary")):
                    return False
            if node.type == "call_expression":
                callee = node.child_by_field_name("function")
                name = module.text(callee) if callee is not None else ""
                if (next_name and name == next_name) or name.rsplit(".", 1)[-1] in _ANSWERING:
                    return False  # hands on, or answers (Express `res.send(...)` goes on running)
    return True
