"""Functions that only tidy an origin string: `const normalizeOrigin = (o) =>
o?.trim().replace(/\\/$/, "")` (009-KumarJi/NoviConnect `new-server/src/server.ts`, applied
to each allow-list entry with `.map(normalizeOrigin)` and to the Origin before `.includes`).

A browser's Origin header is already serialised (no surrounding spaces, no trailing slash,
a lower-case scheme and host), so such a function leaves it as it is: comparing
`normalize(origin)` with a normalised list is comparing the Origin with that list."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

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
        if parameter is not None and len(statements) == 1 and statements[0].type == "try_statement":
            return _url_serialiser(module, statements[0], parameter)
        inner = statements[0].named_children if len(statements) == 1 else []
        body = inner[0] if statements[0].type == "return_statement" and len(inner) == 1 else None
    if parameter is None or body is None:
        return None
    return chain_steps(module, unwrap(body), parameter)


# what a function may return of `u = new URL(value)`: the origin a browser would send
_SERIALISED = frozenset(
    {
        "{u}.origin",
        "`${{{u}.protocol}}//${{{u}.host}}`",
        "`${{{u}.protocol}}//${{{u}.hostname}}${{{u}.port?`:${{{u}.port}}`:''}}`",
        "`${{{u}.protocol}}//${{{u}.hostname.toLowerCase()}}${{{u}.port?`:${{{u}.port}}`:''}}`",
    }
)


def _url_serialiser(module: Any, statement: Node, parameter: str) -> tuple[str, ...] | None:
    """`try { const u = new URL(value.trim()); return `${u.protocol}//${u.hostname}...`; }
    catch { return value.trim(); }` (huyphuc2k37-afk/backend `src/index.ts`): a parsed
    URL's origin serialised again, which is the Origin itself for a browser's Origin header
    (WHATWG URL lower-cases scheme and host and drops the default port)."""
    block = statement.child_by_field_name("body")
    handler = statement.child_by_field_name("handler")
    caught = handler.child_by_field_name("body") if handler is not None else None
    fallback = [c for c in caught.named_children if c.type != "comment"] if caught is not None else []
    kept = fallback[0].named_children if len(fallback) == 1 and fallback[0].type == "return_statement" else []
    if len(kept) != 1 or chain_steps(module, unwrap(kept[0]), parameter) is None:
        return None  # what does not parse (an Origin of `null`) must come back as it was
    statements = [c for c in block.named_children if c.type != "comment"] if block is not None else []
    if len(statements) != 2 or statements[0].type not in {"lexical_declaration", "variable_declaration"}:
        return None
    declarators = [c for c in statements[0].named_children if c.type == "variable_declarator"]
    returned = statements[1].named_children if statements[1].type == "return_statement" else []
    if len(declarators) != 1 or len(returned) != 1:
        return None
    local, value = declarators[0].child_by_field_name("name"), declarators[0].child_by_field_name("value")
    value = unwrap(value) if value is not None else None
    if local is None or value is None or value.type != "new_expression":
        return None
    constructor = value.child_by_field_name("constructor")
    arguments = value.child_by_field_name("arguments")
    parsed = [c for c in arguments.named_children if c.type != "comment"] if arguments else []
    if constructor is None or module.text(constructor) != "URL" or len(parsed) != 1:
        return None
    steps = chain_steps(module, unwrap(parsed[0]), parameter)
    text = "".join(module.text(unwrap(returned[0])).split()).replace('"', "'")
    if steps is None or text not in {shape.format(u=module.text(local)) for shape in _SERIALISED}:
        return None
    return (*steps, "url")


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
        elif step == "url":
            text = _serialised_origin(text)
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
    """`(o) => Boolean(o)`, `(o): o is string => !!o`, `o => o`, and on strings `o => o.length > 0`
    / `o !== ''`: `filter(Boolean)` spelt out."""
    function = unwrap(node)
    if function.type not in _FUNCTIONS:
        return False
    parameter = single_parameter(function)
    body = function.child_by_field_name("body")
    if parameter is None or body is None or body.type == "statement_block":
        return False
    text = module.text(unwrap(body)).replace(" ", "")
    if text in {f"{parameter}.length>0", f"{parameter}.length!==0", f"{parameter}.length"}:
        return True
    return text in {parameter, f"!!{parameter}", f"Boolean({parameter})", f"{parameter}!==''"}


_DEFAULT_PORTS = {"http": 80, "https": 443}


def _serialised_origin(text: str) -> str:
    """`scheme://host[:port]` of an absolute URL as WHATWG URL serialises it; text that does
    not parse is left as it is (the function's `catch` arm)."""
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return text
    if not parts.scheme or not parts.hostname:
        return text
    scheme = parts.scheme.lower()
    shown = f":{port}" if port is not None and port != _DEFAULT_PORTS.get(scheme) else ""
    return f"{scheme}://{parts.hostname.lower()}{shown}"
