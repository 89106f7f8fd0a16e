"""Functions that only tidy an origin string: `const normalizeOrigin = (o) =>
o?.trim().replace(/\\/$/, "")` (009-KumarJi/NoviConnect `new-server/src/server.ts`, applied
to each allow-list entry with `.map(normalizeOrigin)` and to the Origin before `.includes`).

A browser's Origin header is already serialised (no surrounding spaces, no trailing slash,
a lower-case scheme and host), so such a function leaves it as it is: comparing
`normalize(origin)` with a normalised list is comparing the Origin with that list."""

from __future__ import annotations

import re
from typing import Any

from corslint.extractors.js.syntax import Node, single_parameter, string_value, unwrap

_FUNCTIONS = frozenset({"arrow_function", "function_expression", "function", "function_declaration"})
# `/\/$/`, `/\/+$/`: a trailing slash (or several) removed
_TRAILING_SLASHES = re.compile(r"\\/\+?\$")


def normaliser_steps(module: Any, node: Node) -> tuple[str, ...] | None:
    """The steps (`trim`, `toLowerCase`, `slash`) of a tidying function `node` is or names;
    None when it does anything else."""
    node = unwrap(node)
    function = node if node.type in _FUNCTIONS else module.function_node(node)
    if function is None:
        return None
    parameter = single_parameter(function)
    body = function.child_by_field_name("body")
    if body is not None and body.type == "statement_block":
        statements = [c for c in body.named_children if c.type != "comment"]
        inner = statements[0].named_children if len(statements) == 1 else []
        body = inner[0] if statements[0].type == "return_statement" and len(inner) == 1 else None
    if parameter is None or body is None:
        return None
    return chain_steps(module, unwrap(body), parameter)


def chain_steps(module: Any, node: Node, name: str) -> tuple[str, ...] | None:
    """`name?.trim().toLowerCase()` -> ("trim", "toLowerCase"); None for other expressions."""
    steps: list[str] = []
    node = unwrap(node)
    while module.text(node) != name:
        if node.type == "call_expression" and module.text(node.child_by_field_name("function")) == "String":
            arguments = node.child_by_field_name("arguments")
            named = [c for c in arguments.named_children if c.type != "comment"] if arguments else []
            if len(named) != 1:
                return None
            node = unwrap(named[0])
            continue
        function = unwrap(node.child_by_field_name("function")) if node.type == "call_expression" else None
        if function is None or function.type != "member_expression":
            return None
        method = module.text(function.child_by_field_name("property"))
        arguments = node.child_by_field_name("arguments")
        named = [c for c in arguments.named_children if c.type != "comment"] if arguments else []
        if method in {"trim", "toLowerCase"} and not named:
            steps.append(method)
        elif method == "replace" and len(named) == 2 and _removes_trailing_slash(module, named):
            steps.append("slash")
        else:
            return None
        node = unwrap(function.child_by_field_name("object"))
    return tuple(reversed(steps))


def normalised(steps: tuple[str, ...], text: str) -> str:
    for step in steps:
        if step == "trim":
            text = text.strip()
        elif step == "toLowerCase":
            text = text.lower()
        else:
            text = re.sub(r"/+$", "", text)
    return text


def _removes_trailing_slash(module: Any, arguments: list[Node]) -> bool:
    pattern, replacement = unwrap(arguments[0]), arguments[1]
    if pattern.type != "regex" or string_value(replacement) != "":
        return False
    body = pattern.child_by_field_name("pattern")
    flags = pattern.child_by_field_name("flags")
    return body is not None and flags is None and _TRAILING_SLASHES.fullmatch(module.text(body)) is not None


def keeps_truthy(module: Any, node: Node) -> bool:
    """`(o) => Boolean(o)`, `(o): o is string => !!o`, `o => o`: `filter(Boolean)` spelt out."""
    function = unwrap(node)
    if function.type not in _FUNCTIONS:
        return False
    parameter = single_parameter(function)
    body = function.child_by_field_name("body")
    if parameter is None or body is None or body.type == "statement_block":
        return False
    text = module.text(unwrap(body)).replace(" ", "")
    return text in {parameter, f"!!{parameter}", f"Boolean({parameter})"}
