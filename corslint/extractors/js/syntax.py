"""Tree-sitter parsing of JavaScript / TypeScript: grammars, tree walking and literals.

Grammars: tree-sitter-javascript (JS, JSX, ESM and CommonJS) and tree-sitter-typescript
(TS and TSX), loaded on first use so that a tree without JavaScript never imports them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

Node = Any  # tree_sitter.Node; the package ships no type information


def _language(suffix: str) -> Any:
    import tree_sitter

    if suffix in {".ts", ".mts", ".cts"}:
        import tree_sitter_typescript

        return tree_sitter.Language(tree_sitter_typescript.language_typescript())
    if suffix == ".tsx":
        import tree_sitter_typescript

        return tree_sitter.Language(tree_sitter_typescript.language_tsx())
    import tree_sitter_javascript

    return tree_sitter.Language(tree_sitter_javascript.language())


_PARSERS: dict[str, Any] = {}


def parser(suffix: str) -> Any:
    key = suffix if suffix in {".ts", ".mts", ".cts", ".tsx"} else ".js"
    if key not in _PARSERS:
        import tree_sitter

        _PARSERS[key] = tree_sitter.Parser(_language(key))
    return _PARSERS[key]


def walk(node: Node) -> Iterator[Node]:
    """Every node below `node` (itself included), in source order."""
    cursor = node.walk()
    visited_children = False
    while True:
        if not visited_children:
            yield cursor.node
            if cursor.goto_first_child():
                continue
        if cursor.goto_next_sibling():
            visited_children = False
            continue
        if not cursor.goto_parent() or cursor.node == node:
            return
        visited_children = True


def nodes_and_kinds(root: Node) -> tuple[list[Node], list[str]]:
    """`list(walk(root))`, and each node's type beside it (`node.type` builds a string)."""
    nodes = list(walk(root))
    return nodes, [node.type for node in nodes]


WRAPPERS = frozenset(
    {
        "parenthesized_expression",
        "as_expression",
        "satisfies_expression",
        "non_null_expression",
        "type_assertion",
    }
)


def unwrap(node: Node) -> Node:
    """Drop parentheses and TypeScript-only wrappers (`x as T`, `x!`, `x satisfies T`)."""
    while node is not None and node.type in WRAPPERS:
        inner = [child for child in node.named_children if child.type != "comment"]
        if not inner:
            break
        node = inner[-1] if node.type == "type_assertion" else inner[0]
    return node


def conjuncts(node: Node) -> list[Node]:
    """The operands of a chain of `&&` (`a && (b && c)`: a, b, c), each without its
    parentheses; `[node]` for any other expression."""
    operator = node.child_by_field_name("operator") if node.type == "binary_expression" else None
    if operator is not None and operator.type == "&&":
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is not None and right is not None:
            return [*conjuncts(unwrap(left)), *conjuncts(unwrap(right))]
    return [node]


def string_value(node: Node) -> str | None:
    """The value of a string literal, or of a template literal without substitutions."""
    node = unwrap(node)
    if node is None:
        return None
    if node.type == "string":
        return _string_contents(node)
    if node.type == "template_string":
        if any(child.type == "template_substitution" for child in node.named_children):
            return None
        return _string_contents(node)
    return None


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


def _string_contents(node: Node) -> str:
    parts: list[str] = []
    for child in node.named_children:
        text = child.text.decode("utf-8", "replace")
        if child.type in {"string_fragment"}:
            parts.append(text)
        elif child.type == "escape_sequence":
            parts.append(unescape(text))
    return "".join(parts)


def unescape(text: str) -> str:
    body = text[1:]
    if body[:1] in _ESCAPES:
        return _ESCAPES[body[:1]]
    if body[:1] == "x" and len(body) == 3:
        return chr(int(body[1:], 16))
    if body[:1] == "u":
        digits = body[2:-1] if body[1:2] == "{" else body[1:]
        try:
            return chr(int(digits, 16))
        except ValueError:
            return body
    if body.startswith(("\n", "\r")):
        return ""
    return body


def number_value(text: str) -> int | float | None:
    cleaned = text.replace("_", "")
    try:
        if cleaned.lower().startswith(("0x", "0o", "0b")):
            return int(cleaned, 0)
        value = float(cleaned)
    except ValueError:
        return None
    return int(value) if value.is_integer() and "." not in cleaned and "e" not in cleaned.lower() else value


_TYPE_ONLY = (b"export type ", b"import type ")


def in_tagged_template(node: Node) -> bool:
    """Whether `node` lies in the text of a tagged template (tag`...`): there any escape is
    legal (ES2018: `\\unicode` is kept raw), though the grammar reads it as an error."""
    parent = node.parent
    while parent is not None and parent.type not in {"template_substitution", "template_string"}:
        parent = parent.parent
    return (
        parent is not None
        and parent.type == "template_string"
        and parent.parent is not None
        and parent.parent.type == "call_expression"
        and parent.parent.child_by_field_name("arguments") == parent
    )


def in_type_only_statement(root: Node, node: Node) -> bool:
    """Whether `node` lies in a top-level `export type ...` / `import type ...` statement."""
    while node.parent is not None and node.parent != root:
        node = node.parent
    return (
        node.parent == root
        and node.type in {"export_statement", "import_statement"}
        and node.text.startswith(_TYPE_ONLY)
    )


def parameter_default_node(use: Node, name: str) -> Node | None:
    """The default of the parameter `name` of the function around `use`, if any."""
    node = use.parent
    while node is not None:
        if node.type in {
            "arrow_function",
            "function_expression",
            "function_declaration",
            "function",
            "method_definition",
        }:
            parameters = node.child_by_field_name("parameters")
            for parameter in parameters.named_children if parameters is not None else ():
                target, default = parameter, None
                if parameter.type in {"required_parameter", "optional_parameter"}:
                    target = parameter.child_by_field_name("pattern") or parameter
                    default = parameter.child_by_field_name("value")
                if target.type == "assignment_pattern":
                    target, default = (
                        target.child_by_field_name("left"),
                        target.child_by_field_name("right"),
                    )
                if target is not None and target.text.decode("utf-8", "replace") == name:
                    return default
        node = node.parent
    return None


def single_parameter(function: Node) -> str | None:
    """The name of a function's only parameter (`origin => ...`, `(origin: string) => ...`);
    None when it takes none, several, or a pattern."""
    single = function.child_by_field_name("parameter")
    if single is not None:
        return str(single.text.decode("utf-8", "replace"))
    parameters = function.child_by_field_name("parameters")
    named = [c for c in parameters.named_children if c.type != "comment"] if parameters else []
    if len(named) != 1:
        return None
    target = named[0]
    if target.type in {"required_parameter", "optional_parameter"}:
        target = target.child_by_field_name("pattern") or target
    return str(target.text.decode("utf-8", "replace")) if target.type == "identifier" else None


_ENV_NAME = re.compile(r"[A-Z][A-Z0-9_]*")


def is_env_name(name: str) -> bool:
    """An environment variable's conventional name (`CORS_ORIGIN`), as `process.env`,
    `c.env` and a config service are read with: not a request read's fallback."""
    return _ENV_NAME.fullmatch(name) is not None
