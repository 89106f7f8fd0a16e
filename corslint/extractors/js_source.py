"""JavaScript / TypeScript reading for the JS extractors: tree-sitter parsing and a value resolver.

Grammars: tree-sitter-javascript (JS, JSX, ESM and CommonJS) and tree-sitter-typescript
(TS and TSX), loaded on first use so that a tree without JavaScript never imports them.

The resolver mirrors ``python_source``: it folds literals, names bound once (``const``,
or ``let``/``var`` never reassigned), object spread and later property assignment
(``opts.credentials = true``), string concatenation and template literals, ``split`` /
``map(trim)`` / ``filter(Boolean)`` on known strings, ``process.env.X || default`` (the
default is judged, "when X is unset"), ``new RegExp("literal", "flags")``, ``new Set([...])``
and imports of in-tree JSON / YAML / JS modules and node-config's ``config.get("key")``.
Anything else is an unknown `Value`, reported by CORS305, never guessed.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corslint.model import FunctionValue, Location, Provenance, Regex, SourceError, Value

if TYPE_CHECKING:
    from corslint.extractors import ProjectContext

JS_SUFFIXES = frozenset({".js", ".cjs", ".mjs", ".jsx", ".ts", ".tsx", ".mts", ".cts"})
MODULE_SUFFIXES = (".js", ".cjs", ".mjs", ".ts", ".mts", ".cts", ".jsx", ".tsx", ".json", ".yaml", ".yml")
SKIPPED_DIRECTORIES = frozenset({"node_modules", "dist", "build", ".next", "coverage", ".git", "out"})
_DEVELOPMENT_WORDS = frozenset({"dev", "development", "local", "test", "tests", "testing", "debug"})
_MAX_DEPTH = 40
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


def _parser(suffix: str) -> Any:
    key = suffix if suffix in {".ts", ".mts", ".cts", ".tsx"} else ".js"
    if key not in _PARSERS:
        import tree_sitter

        _PARSERS[key] = tree_sitter.Parser(_language(key))
    return _PARSERS[key]


def is_development_path(path: str) -> bool:
    """A file or folder named for development, local or test use."""
    words = path.lower().replace("\\", "/").replace(".", "/").replace("_", "/").replace("-", "/").split("/")
    return any(word in _DEVELOPMENT_WORDS for word in words)


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


def _nodes_and_kinds(root: Node) -> tuple[list[Node], list[str]]:
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
            parts.append(_unescape(text))
    return "".join(parts)


def _unescape(text: str) -> str:
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


def _number(text: str) -> int | float | None:
    cleaned = text.replace("_", "")
    try:
        if cleaned.lower().startswith(("0x", "0o", "0b")):
            return int(cleaned, 0)
        value = float(cleaned)
    except ValueError:
        return None
    return int(value) if value.is_integer() and "." not in cleaned and "e" not in cleaned.lower() else value


@dataclass
class JsModule:
    """One parsed JS/TS file and what the resolver needs from it."""

    path: str  # as reported
    file: Path | None  # on disk, for resolving relative imports (None for snippets)
    source: bytes
    root: Node
    project: JsProject | None = None
    lines: list[bytes] = field(default_factory=list)
    declarations: dict[str, list[Node]] = field(default_factory=dict)  # name -> declarator value nodes
    declarators: dict[str, list[Node]] = field(default_factory=dict)  # name -> declarator nodes
    assignments: dict[str, list[Node]] = field(default_factory=dict)  # name -> assignment_expression
    imports: dict[str, tuple[str, str]] = field(default_factory=dict)  # local -> (specifier, export)
    _resolving: set[int] = field(default_factory=set)
    nodes: list[Node] = field(default_factory=list)  # every node, in source order
    kinds: list[str] = field(default_factory=list)  # each node's type, beside it
    _of_kind: dict[tuple[str, ...], list[Node]] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.lines = self.source.split(b"\n")
        # walked once: each later pass over the whole file iterates this list, which costs
        # a fifth of stepping a tree cursor through the tree again
        self.nodes, self.kinds = _nodes_and_kinds(self.root)
        for node, kind in zip(self.nodes, self.kinds, strict=True):
            if kind == "variable_declarator":
                self._declarator(node)
            elif kind == "assignment_expression":
                left = unwrap(node.child_by_field_name("left"))
                name = _base_name(left)
                if name is not None:
                    self.assignments.setdefault(name, []).append(node)
            elif kind == "import_statement":
                self._import(node)

    def of_kind(self, *kinds: str) -> list[Node]:
        """The nodes of these types, in source order (`node.type` is a call: asked once)."""
        found = self._of_kind.get(kinds)
        if found is None:
            wanted = frozenset(kinds)
            found = self._of_kind[kinds] = [
                node for node, kind in zip(self.nodes, self.kinds, strict=True) if kind in wanted
            ]
        return found

    # -- positions -----------------------------------------------------------------
    def location(self, node: Node) -> Location:
        (line, column), (end_line, end_column) = node.start_point, node.end_point
        return Location(
            self.path, line + 1, self._column(line, column), end_line + 1, self._column(end_line, end_column)
        )

    def _column(self, row: int, byte_column: int) -> int:
        if row >= len(self.lines):
            return byte_column + 1
        return len(self.lines[row][:byte_column].decode("utf-8", "replace")) + 1

    def text(self, node: Node) -> str:
        return str(node.text.decode("utf-8", "replace"))

    # -- bindings ------------------------------------------------------------------
    def _declarator(self, node: Node) -> None:
        name_node = node.child_by_field_name("name")
        value = node.child_by_field_name("value")
        if name_node is None:
            return
        if name_node.type == "identifier":
            self.declarators.setdefault(self.text(name_node), []).append(node)
            if value is not None:
                self.declarations.setdefault(self.text(name_node), []).append(value)
                specifier = _require_specifier(self, value)
                if specifier is not None:
                    self.imports[self.text(name_node)] = (specifier, "*")
        elif name_node.type == "object_pattern" and value is not None:
            specifier = _require_specifier(self, value)
            for child in name_node.named_children:
                if child.type == "shorthand_property_identifier_pattern":
                    local = exported = self.text(child)
                elif child.type == "pair_pattern":
                    key = child.child_by_field_name("key")
                    target = child.child_by_field_name("value")
                    if key is None or target is None or target.type != "identifier":
                        continue
                    exported, local = self.text(key).strip("'\""), self.text(target)
                else:
                    continue
                self.declarators.setdefault(local, []).append(node)
                if specifier is not None:
                    self.imports[local] = (specifier, exported)

    def _import(self, node: Node) -> None:
        source = node.child_by_field_name("source")
        specifier = string_value(source) if source is not None else None
        if specifier is None:
            return
        for clause in node.named_children:
            if clause.type != "import_clause":
                continue
            for part in clause.named_children:
                if part.type == "identifier":
                    self.imports[self.text(part)] = (specifier, "default")
                elif part.type == "namespace_import":
                    names = [c for c in part.named_children if c.type == "identifier"]
                    if names:
                        self.imports[self.text(names[0])] = (specifier, "*")
                elif part.type == "named_imports":
                    for spec in part.named_children:
                        if spec.type != "import_specifier":
                            continue
                        name = spec.child_by_field_name("name")
                        alias = spec.child_by_field_name("alias")
                        if name is not None:
                            local = alias if alias is not None else name
                            self.imports[self.text(local)] = (specifier, self.text(name).strip("'\""))

    def binding(self, name: str) -> Node | None:
        """The value bound to `name` when it is bound exactly once and never reassigned."""
        values = self.declarations.get(name, [])
        if len(values) != 1 or len(self.declarators.get(name, [])) != 1:
            return None
        for assignment in self.assignments.get(name, []):
            if unwrap(assignment.child_by_field_name("left")).type == "identifier":
                return None
        return values[0]

    def references(self, name: str) -> list[Node]:
        """Identifiers named `name` that read it (not its declaration)."""
        found = []
        for node in self.of_kind("identifier", "shorthand_property_identifier"):
            if self.text(node) == name:
                parent = node.parent
                if (
                    parent is not None
                    and parent.type == "variable_declarator"
                    and (parent.child_by_field_name("name") == node)
                ):
                    continue
                found.append(node)
        return found

    # -- resolution ----------------------------------------------------------------
    def resolve(self, node: Node, depth: int = 0) -> Value:
        """The value of an expression, with provenance; unknown when it cannot be known."""
        node = unwrap(node)
        location = self.location(node)
        if depth > _MAX_DEPTH or node.id in self._resolving:
            return self.unknown(node)
        self._resolving.add(node.id)
        try:
            return self._resolve(node, location, depth + 1)
        finally:
            self._resolving.discard(node.id)

    def unknown(self, node: Node, env_var: str | None = None) -> Value:
        description = self.text(node)
        if len(description) > 80:
            description = description[:77] + "..."
        return Value(None, self.location(node), Provenance.UNKNOWN, env_var, description)

    def _resolve(self, node: Node, location: Location, depth: int) -> Value:
        kind = node.type
        text = string_value(node)
        if text is not None:
            return Value(text, location)
        if kind == "template_string":
            return self._template(node, location, depth)
        if kind == "number":
            number = _number(self.text(node))
            return self.unknown(node) if number is None else Value(number, location)
        if kind in {"true", "false"}:
            return Value(kind == "true", location)
        if kind in {"null", "undefined"} or (kind == "identifier" and self.text(node) == "undefined"):
            return Value(None, location)
        if kind == "regex":
            pattern = node.child_by_field_name("pattern")
            flags = node.child_by_field_name("flags")
            return Value(
                Regex(self.text(pattern) if pattern is not None else "", self.text(flags) if flags else ""),
                location,
            )
        if kind == "array":
            return self._array(node, location, depth)
        if kind == "object":
            return self._object(node, location, depth)
        if kind == "identifier":
            return self._name(node, location, depth)
        if kind in {"member_expression", "subscript_expression"}:
            return self._member(node, location, depth)
        if kind == "binary_expression":
            return self._binary(node, location, depth)
        if kind in {"new_expression", "call_expression"}:
            return self._call(node, location, depth)
        if kind in {"arrow_function", "function_expression", "function", "function_declaration"}:
            return Value(FunctionValue("unknown"), location, description=_short(self.text(node)))
        if kind == "unary_expression" and node.child_by_field_name("operator") is not None:
            operator = self.text(node.child_by_field_name("operator"))
            argument = self.resolve(node.child_by_field_name("argument"), depth)
            if operator == "!" and argument.known and not isinstance(argument.raw, (tuple, dict)):
                return Value(not bool(argument.raw), location, argument.provenance, argument.env_var)
            if operator == "-" and argument.known and isinstance(argument.raw, (int, float)):
                return Value(-argument.raw, location, argument.provenance, argument.env_var)
        return self.unknown(node)

    def _template(self, node: Node, location: Location, depth: int) -> Value:
        parts: list[str] = []
        provenance = Provenance.LITERAL
        env_var = None
        for child in node.named_children:
            if child.type == "string_fragment":
                parts.append(self.text(child))
            elif child.type == "escape_sequence":
                parts.append(_unescape(self.text(child)))
            elif child.type == "template_substitution":
                inner = [c for c in child.named_children if c.type != "comment"]
                if not inner:
                    return self.unknown(node)
                value = self.resolve(inner[0], depth)
                if not value.known or isinstance(value.raw, (tuple, dict, Regex, FunctionValue)):
                    return self.unknown(node, value.env_var)
                parts.append(_js_text(value.raw))
                provenance = _weaker(provenance, value.provenance)
                env_var = env_var or value.env_var
        return Value("".join(parts), location, _merged(provenance), env_var)

    def _array(self, node: Node, location: Location, depth: int) -> Value:
        items: list[Value] = []
        for child in node.named_children:
            if child.type == "comment":
                continue
            if child.type == "spread_element":
                inner = self.resolve(child.named_children[0], depth)
                if not inner.known or not isinstance(inner.raw, tuple):
                    return self.unknown(node, inner.env_var)
                items.extend(inner.raw)
                continue
            items.append(self.resolve(child, depth))
        return Value(tuple(items), location)

    def _object(self, node: Node, location: Location, depth: int) -> Value:
        entries: dict[str, Value] = {}
        for child in node.named_children:
            if child.type == "pair":
                key = self._key(child.child_by_field_name("key"), depth)
                if key is None:
                    return self.unknown(node)
                entries[key] = self.resolve(child.child_by_field_name("value"), depth)
            elif child.type == "shorthand_property_identifier":
                entries[self.text(child)] = self._name(child, self.location(child), depth)
            elif child.type == "method_definition":
                name = child.child_by_field_name("name")
                if name is None:
                    return self.unknown(node)
                entries[self.text(name).strip("'\"")] = Value(
                    FunctionValue("unknown"), self.location(child), description=_short(self.text(child))
                )
            elif child.type == "spread_element":
                inner = self.resolve(child.named_children[0], depth)
                if not inner.known or not isinstance(inner.raw, dict):
                    entries["**"] = inner if not inner.known else self.unknown(child)
                    continue
                entries.update(inner.raw)
        return Value(entries, location)

    def _key(self, key: Node | None, depth: int) -> str | None:
        if key is None:
            return None
        if key.type in {"property_identifier", "identifier"}:
            return self.text(key)
        if key.type == "number":
            return self.text(key)
        text = string_value(key)
        if text is not None:
            return text
        if key.type == "computed_property_name" and key.named_children:
            value = self.resolve(key.named_children[0], depth)
            if value.known and isinstance(value.raw, str):
                return value.raw
        return None

    def _name(self, node: Node, location: Location, depth: int) -> Value:
        name = self.text(node)
        if name in self.imports and self.project is not None:
            specifier, exported = self.imports[name]
            imported = self.project.imported(self, specifier, exported, location)
            if imported is not None:
                return imported
            return self.unknown(node)
        bound = self.binding(name)
        if bound is None:
            function = self._function_declaration(name)
            if function is not None:
                return Value(FunctionValue("unknown"), location, description=name)
            return self.unknown(node)
        value = self.resolve(bound, depth)
        value = self._with_property_assignments(name, value, node, depth)
        if not value.known:
            return Value(None, location, Provenance.UNKNOWN, value.env_var, value.description or name)
        provenance = Provenance.CONSTANT if value.provenance is Provenance.LITERAL else value.provenance
        if value.location.path.endswith((".json", ".yaml", ".yml", ".toml")):
            return value  # config files are reported at their own lines
        return Value(
            value.raw,
            location,
            provenance,
            value.env_var,
            value.description,
            (value.location, *value.related),
        )

    def _function_declaration(self, name: str) -> Node | None:
        for child in self.root.named_children:
            target = child.child_by_field_name("declaration") if child.type == "export_statement" else child
            if target is not None and target.type == "function_declaration":
                function_name = target.child_by_field_name("name")
                if function_name is not None and self.text(function_name) == name:
                    return target
        return None

    def function_node(self, node: Node) -> Node | None:
        """The function an expression names: inline, a const arrow, or a declaration."""
        node = unwrap(node)
        if node.type in {
            "arrow_function",
            "function_expression",
            "function",
            "function_declaration",
            "method_definition",
        }:
            return node
        if node.type == "identifier":
            bound = self.binding(self.text(node))
            if bound is not None and unwrap(bound).type in {
                "arrow_function",
                "function_expression",
                "function",
            }:
                return unwrap(bound)
            return self._function_declaration(self.text(node))
        return None

    def _with_property_assignments(self, name: str, value: Value, use: Node, depth: int) -> Value:
        """`opts.credentials = true` after `const opts = {...}` and before the use."""
        if not value.known or not isinstance(value.raw, dict):
            return value
        entries = dict(value.raw)
        changed = False
        for assignment in self.assignments.get(name, []):
            if assignment.start_byte > use.start_byte:
                continue
            left = unwrap(assignment.child_by_field_name("left"))
            if left.type not in {"member_expression", "subscript_expression"}:
                continue
            if unwrap(left.child_by_field_name("object")).type != "identifier":
                continue  # opts.a.b = ...: a nested change we do not follow
            key = self._member_key(left, depth)
            if key is None:
                entries["**"] = self.unknown(assignment)
            else:
                entries[key] = self.resolve(assignment.child_by_field_name("right"), depth)
            changed = True
        return (
            Value(entries, value.location, value.provenance, value.env_var, value.description)
            if changed
            else value
        )

    def _member_key(self, node: Node, depth: int) -> str | None:
        if node.type == "member_expression":
            prop = node.child_by_field_name("property")
            return self.text(prop) if prop is not None else None
        index = node.child_by_field_name("index")
        if index is None:
            return None
        value = self.resolve(index, depth)
        return value.raw if value.known and isinstance(value.raw, str) else None

    def env_name(self, node: Node) -> str | None:
        """`process.env.X` / `process.env["X"]` -> "X"."""
        node = unwrap(node)
        if node.type not in {"member_expression", "subscript_expression"}:
            return None
        holder = unwrap(node.child_by_field_name("object"))
        if self.text(holder).replace(" ", "") not in {"process.env", "import.meta.env", "Bun.env"}:
            return None
        if node.type == "member_expression":
            prop = node.child_by_field_name("property")
            return self.text(prop) if prop is not None else None
        index = node.child_by_field_name("index")
        return string_value(index) if index is not None else None

    def _member(self, node: Node, location: Location, depth: int) -> Value:
        env = self.env_name(node)
        if env is not None:
            return self.unknown(node, env)
        key = self._member_key(node, depth)
        holder_node = node.child_by_field_name("object")
        if key is not None and self.project is not None and self._is_node_config(holder_node):
            configured = self.project.node_config(self, key)  # node-config also reads as `config.cors`
            if configured is not None:
                return configured
        holder = self.resolve(holder_node, depth)
        if holder.known and isinstance(holder.raw, dict) and key is not None:
            if key in holder.raw:
                found: Value = holder.raw[key]
                return found
            if "**" not in holder.raw:
                return Value(None, location)  # a missing property reads as undefined
        if holder.known and isinstance(holder.raw, (tuple, str)) and key == "length":
            return Value(len(holder.raw), location, holder.provenance, holder.env_var)
        return self.unknown(node, holder.env_var)

    def _binary(self, node: Node, location: Location, depth: int) -> Value:
        operator_node = node.child_by_field_name("operator")
        operator = self.text(operator_node) if operator_node is not None else ""
        left = self.resolve(node.child_by_field_name("left"), depth)
        right_node = node.child_by_field_name("right")
        if operator in {"||", "??"}:
            if not left.known:
                if left.env_var is None:
                    return self.unknown(node)
                right = self.resolve(right_node, depth)
                if not right.known:
                    return self.unknown(node, left.env_var)
                return Value(
                    right.raw,
                    right.location,
                    Provenance.ENV_DEFAULT,
                    left.env_var,
                    self.text(node),
                    right.related,
                )
            keeps_left = left.raw is not None if operator == "??" else _truthy(left.raw)
            return left if keeps_left else self.resolve(right_node, depth)
        if operator == "+":
            right = self.resolve(right_node, depth)
            if not (left.known and right.known):
                return self.unknown(node, left.env_var or right.env_var)
            if isinstance(left.raw, str) or isinstance(right.raw, str):
                if isinstance(left.raw, (dict, FunctionValue)) or isinstance(
                    right.raw, (dict, FunctionValue)
                ):
                    return self.unknown(node)
                provenance = _merged(_weaker(left.provenance, right.provenance))
                return Value(
                    _js_text(left.raw) + _js_text(right.raw),
                    location,
                    provenance,
                    left.env_var or right.env_var,
                )
            if _numeric(left.raw) and _numeric(right.raw):
                return Value(
                    left.raw + right.raw, location, _merged(_weaker(left.provenance, right.provenance))
                )
        if operator == "*":
            right = self.resolve(right_node, depth)
            if left.known and right.known and _numeric(left.raw) and _numeric(right.raw):
                return Value(
                    left.raw * right.raw, location, _merged(_weaker(left.provenance, right.provenance))
                )
        return self.unknown(node)

    def _call(self, node: Node, location: Location, depth: int) -> Value:
        function = unwrap(node.child_by_field_name("function") or node.child_by_field_name("constructor"))
        arguments_node = node.child_by_field_name("arguments")
        arguments = (
            [c for c in arguments_node.named_children if c.type != "comment"] if arguments_node else []
        )
        if function is None:
            return self.unknown(node)
        callee = self.text(function)
        if node.type == "new_expression" or callee in {"RegExp"}:
            if callee == "RegExp" and arguments:
                pattern = self.resolve(arguments[0], depth)
                flags = self.resolve(arguments[1], depth) if len(arguments) > 1 else Value("", location)
                if pattern.known and flags.known and isinstance(flags.raw, str):
                    if isinstance(pattern.raw, Regex):
                        return Value(
                            Regex(
                                pattern.raw.pattern, flags.raw if len(arguments) > 1 else pattern.raw.flags
                            ),
                            location,
                            _merged(pattern.provenance),
                        )
                    if isinstance(pattern.raw, str):
                        return Value(
                            Regex(pattern.raw, flags.raw),
                            location,
                            _merged(pattern.provenance),
                            pattern.env_var,
                        )
                return self.unknown(node, pattern.env_var)
            if callee == "Set" and arguments:
                return self.resolve(arguments[0], depth)
            return self.unknown(node)
        specifier = _require_specifier(self, node)
        if specifier is not None and self.project is not None:
            imported = self.project.imported(self, specifier, "*", location)
            return imported if imported is not None else self.unknown(node)
        if function.type == "member_expression":
            method_node = function.child_by_field_name("property")
            method = self.text(method_node) if method_node is not None else ""
            receiver_node = function.child_by_field_name("object")
            if method == "get" and len(arguments) == 1 and self.project is not None:
                key = string_value(arguments[0])
                if key is not None and self._is_node_config(receiver_node):
                    found = self.project.node_config(self, key)
                    if found is not None:
                        return found
            if method in {"parse", "load", "safeLoad"} and arguments and self.project is not None:
                target = self.read_file_target(arguments[0])
                if target is not None:  # yaml.load(fs.readFileSync(...)), JSON.parse(...)
                    from corslint.extractors.config_files import load_data_file

                    loaded = load_data_file(
                        target, self.project.display(self, target), self.project.config_cache
                    )
                    if loaded is not None:
                        return loaded
            receiver = self.resolve(receiver_node, depth)
            if callee in {"JSON.parse"} or not receiver.known:
                return self.unknown(node, receiver.env_var)
            return _method(self, receiver, method, arguments, node, location, depth)
        if callee in {"String", "Number", "parseInt", "parseFloat", "Boolean"} and arguments:
            inner = self.resolve(arguments[0], depth)
            if not inner.known:
                return self.unknown(node, inner.env_var)
            converted = _convert(callee, inner.raw)
            return (
                self.unknown(node)
                if converted is None
                else Value(converted, location, _merged(inner.provenance), inner.env_var)
            )
        return self.unknown(node)

    def read_file_target(self, node: Node) -> Path | None:
        """The data file `fs.readFileSync(path, ...)` reads: a literal (from the project
        root, as Node resolves it from the working directory) or `path.join(__dirname, ...)`."""
        node = unwrap(node)
        if node.type != "call_expression" or self.file is None:
            return None
        callee = self.text(node.child_by_field_name("function")).replace(" ", "")
        arguments = node.child_by_field_name("arguments")
        named = [c for c in arguments.named_children if c.type != "comment"] if arguments else []
        if not callee.endswith(("readFileSync", "readFile")) or not named:
            return None
        where = unwrap(named[0])
        parts: list[str] = []
        base: Path | None = project_root(self.file) or self.file.parent
        if where.type == "call_expression" and self.text(where.child_by_field_name("function")).replace(
            " ", ""
        ).endswith(("path.join", "path.resolve", "join", "resolve")):
            pieces = [c for c in where.child_by_field_name("arguments").named_children if c.type != "comment"]
            if pieces and self.text(pieces[0]) == "__dirname":
                base = self.file.resolve().parent
                pieces = pieces[1:]
            for piece in pieces:
                text = string_value(piece)
                if text is None:
                    return None
                parts.append(text)
        else:
            text = string_value(where)
            if text is None:
                return None
            parts.append(text)
        if base is None:
            return None
        target = base.joinpath(*parts).resolve()
        return (
            target
            if target.suffix.lower() in {".json", ".yaml", ".yml", ".toml"} and target.is_file()
            else None
        )

    def _is_node_config(self, receiver: Node | None) -> bool:
        if receiver is None:
            return False
        receiver = unwrap(receiver)
        if receiver.type != "identifier":
            return False
        imported = self.imports.get(self.text(receiver))
        return imported is not None and imported[0] == "config"


def _method(
    module: JsModule,
    receiver: Value,
    method: str,
    arguments: list[Node],
    node: Node,
    location: Location,
    depth: int,
) -> Value:
    raw = receiver.raw
    if method == "split" and isinstance(raw, str) and arguments:
        separator = module.resolve(arguments[0], depth)
        if separator.known and isinstance(separator.raw, str) and separator.raw:
            items = tuple(
                Value(part, receiver.location, receiver.provenance, receiver.env_var)
                for part in raw.split(separator.raw)
            )
            return Value(
                items, location, _merged(receiver.provenance), receiver.env_var, receiver.description
            )
    if method in {"trim", "toLowerCase", "toUpperCase"} and isinstance(raw, str):
        changed = {"trim": raw.strip(), "toLowerCase": raw.lower(), "toUpperCase": raw.upper()}[method]
        return Value(changed, location, _merged(receiver.provenance), receiver.env_var)
    if method == "map" and isinstance(raw, tuple) and arguments:
        operation = _string_callback(module, arguments[0])
        if operation is not None and all(item.known and isinstance(item.raw, str) for item in raw):
            mapped = tuple(
                Value(
                    {"trim": item.raw.strip(), "toLowerCase": item.raw.lower()}[operation],
                    item.location,
                    item.provenance,
                    item.env_var,
                )
                for item in raw
            )
            return Value(
                mapped, location, _merged(receiver.provenance), receiver.env_var, receiver.description
            )
    if method == "filter" and isinstance(raw, tuple) and arguments and module.text(arguments[0]) == "Boolean":
        kept = tuple(item for item in raw if not item.known or _truthy(item.raw))
        return Value(kept, location, _merged(receiver.provenance), receiver.env_var, receiver.description)
    if method == "concat" and isinstance(raw, tuple):
        combined: list[Value] = list(raw)
        for argument in arguments:
            value = module.resolve(argument, depth)
            if not value.known:
                return module.unknown(node, value.env_var)
            combined.extend(value.raw if isinstance(value.raw, tuple) else (value,))
        return Value(tuple(combined), location, _merged(receiver.provenance), receiver.env_var)
    if method == "join" and isinstance(raw, tuple) and all(item.known for item in raw):
        separator = module.resolve(arguments[0], depth) if arguments else Value(",", location)
        if separator.known and isinstance(separator.raw, str):
            return Value(
                separator.raw.join(_js_text(item.raw) for item in raw),
                location,
                _merged(receiver.provenance),
                receiver.env_var,
            )
    return module.unknown(node, receiver.env_var)


def _string_callback(module: JsModule, node: Node) -> str | None:
    """`s => s.trim()` / `(o) => o.toLowerCase()` / `String.prototype.trim.call`-free forms."""
    node = unwrap(node)
    if node.type != "arrow_function":
        return None
    body = unwrap(node.child_by_field_name("body"))
    if body is None or body.type != "call_expression":
        return None
    function = body.child_by_field_name("function")
    if function is None or function.type != "member_expression":
        return None
    method = function.child_by_field_name("property")
    name = module.text(method) if method is not None else ""
    return name if name in {"trim", "toLowerCase"} else None


def _convert(function: str, raw: Any) -> Any:
    if function == "String":
        return _js_text(raw)
    if function == "Boolean":
        return _truthy(raw)
    if isinstance(raw, bool):
        return int(raw) if function == "Number" else None
    if isinstance(raw, (int, float)):
        return int(raw) if function == "parseInt" else raw
    if isinstance(raw, str):
        try:
            return int(raw.strip()) if function == "parseInt" or raw.strip().isdigit() else float(raw)
        except ValueError:
            return None
    return None


def _require_specifier(module: JsModule, node: Node | None) -> str | None:
    """`require("x")` (possibly `.default`) -> "x"."""
    if node is None:
        return None
    node = unwrap(node)
    if node.type == "member_expression":
        prop = node.child_by_field_name("property")
        if prop is not None and module.text(prop) == "default":
            node = unwrap(node.child_by_field_name("object"))
    if node.type != "call_expression":
        return None
    function = node.child_by_field_name("function")
    arguments = node.child_by_field_name("arguments")
    if function is None or module.text(function) != "require" or arguments is None:
        return None
    named = [c for c in arguments.named_children if c.type != "comment"]
    return string_value(named[0]) if len(named) == 1 else None


def _base_name(node: Node | None) -> str | None:
    while node is not None and node.type in {"member_expression", "subscript_expression"}:
        node = unwrap(node.child_by_field_name("object"))
    if node is not None and node.type == "identifier":
        return str(node.text.decode("utf-8", "replace"))
    return None


def _short(text: str) -> str:
    first = text.strip().splitlines()[0] if text.strip() else text
    return first if len(first) <= 80 else first[:77] + "..."


def _truthy(raw: Any) -> bool:
    if raw is None or raw is False:
        return False
    if isinstance(raw, (int, float, str)) and not isinstance(raw, bool):
        return bool(raw)
    return True


def _numeric(raw: Any) -> bool:
    return isinstance(raw, (int, float)) and not isinstance(raw, bool)


def _js_text(raw: Any) -> str:
    from corslint.frameworks.express import js_string

    if isinstance(raw, tuple):
        return ",".join("" if not item.known or item.raw is None else _js_text(item.raw) for item in raw)
    return js_string(raw)


def _weaker(a: Provenance, b: Provenance) -> Provenance:
    order = list(Provenance)
    return a if order.index(a) >= order.index(b) else b


def _merged(provenance: Provenance) -> Provenance:
    return Provenance.CONSTANT if provenance is Provenance.LITERAL else provenance


def looks_minified(text: str) -> bool:
    """A bundle whatever its name: long, with lines far longer than anyone writes."""
    if len(text) < 20_000:
        return False
    lines = text.count("\n") + 1
    return len(text) / lines > 300


def parse(path: str, text: str, file: Path | None = None) -> JsModule:
    """Parse a JS/TS file; a syntax error becomes a `SourceError` (CORS001)."""
    suffix = os.path.splitext(path)[1].lower()
    source = text.encode("utf-8")
    tree = _parser(suffix).parse(source)
    root = tree.root_node
    if root.has_error:
        for node in walk(root):
            if node.type == "ERROR" or node.is_missing:
                line, column = node.start_point
                raise SourceError(
                    f"cannot parse this file as {'TypeScript' if 'ts' in suffix else 'JavaScript'}: "
                    f"syntax error near line {line + 1}",
                    line + 1,
                    column + 1,
                )
    return JsModule(path, file, source, root)


class JsProject:
    """Parsed modules and config files of one run, for imports between files."""

    def __init__(self, context: ProjectContext | None = None) -> None:
        self.modules: dict[str, JsModule | None] = {}
        self.context = context
        self.config_cache: dict[str, Value | None] = {}

    def module(self, path: str, text: str, file: Path | None) -> JsModule:
        key = os.path.realpath(file) if file is not None else path
        cached = self.modules.get(key)
        if cached is not None and cached.source == text.encode("utf-8"):
            return cached
        module = parse(path, text, file)
        module.project = self
        self.modules[key] = module
        return module

    def _load(self, file: Path, display: str) -> JsModule | None:
        key = os.path.realpath(file)
        if key in self.modules:
            return self.modules[key]
        self.modules[key] = None  # against import cycles
        try:
            text = file.read_text("utf-8")
            module = parse(display, text, file)
        except (OSError, UnicodeDecodeError, SourceError):
            return None
        module.project = self
        self.modules[key] = module
        return module

    def resolve_specifier(self, importer: JsModule, specifier: str) -> Path | None:
        if importer.file is None or not specifier.startswith("."):
            return None
        base = (importer.file.parent / specifier).resolve()
        candidates = [base] + [Path(str(base) + suffix) for suffix in MODULE_SUFFIXES]
        if base.suffix in {".js", ".mjs", ".cjs"}:  # TS sources imported by their emitted name
            candidates += [base.with_suffix(s) for s in (".ts", ".mts", ".cts", ".tsx")]
        candidates += [base / f"index{suffix}" for suffix in MODULE_SUFFIXES]
        for candidate in candidates:
            if candidate.is_file():
                return candidate
        return None

    def display(self, importer: JsModule, target: Path) -> str:
        assert importer.file is not None
        try:
            relative = os.path.relpath(target, importer.file.parent)
        except ValueError:
            return target.as_posix()
        joined = os.path.normpath(os.path.join(os.path.dirname(importer.path), relative))
        return Path(joined).as_posix()

    def imported(self, importer: JsModule, specifier: str, exported: str, use: Location) -> Value | None:
        target = self.resolve_specifier(importer, specifier)
        if target is None:
            return None
        display = self.display(importer, target)
        if target.suffix.lower() in {".json", ".yaml", ".yml"}:
            from corslint.extractors.config_files import load_data_file

            value = load_data_file(target, display, self.config_cache)
            if value is None:
                return None
            if exported not in {"*", "default"}:
                return value.raw.get(exported) if isinstance(value.raw, dict) else None
            return value
        module = self._load(target, display)
        if module is None:
            return None
        value = exported_value(module, exported)
        if value is None:
            return None
        if value.location.path == importer.path or value.provenance is Provenance.CONFIG_FILE:
            return value
        return _moved(value, use)

    def node_config(self, importer: JsModule, key: str) -> Value | None:
        """node-config's `config.get(key)`: config/default merged with config/production."""
        if importer.file is None:
            return None
        root = project_root(importer.file)
        if root is None:
            return None
        from corslint.extractors.config_files import node_config_value

        merged = node_config_value(root, lambda file: self.display(importer, file), self.config_cache)
        value: Value | None = merged
        for part in key.split("."):
            if value is None or not value.known or not isinstance(value.raw, dict):
                return None
            value = value.raw.get(part)
        return value


def _moved(value: Value, use: Location) -> Value:
    """A value defined in another JS module, reported at its use with the definition related."""
    return Value(
        value.raw,
        use,
        value.provenance if value.provenance is not Provenance.LITERAL else Provenance.CONSTANT,
        value.env_var,
        value.description,
        (value.location, *value.related),
    )


def exported_value(module: JsModule, exported: str) -> Value | None:
    """`module.exports = X`, `exports.name = X`, `export default X`, `export const name = X`."""
    for node in module.root.named_children:
        target = node
        if node.type == "expression_statement" and node.named_children:
            target = unwrap(node.named_children[0])
        if target.type == "assignment_expression":
            left = module.text(target.child_by_field_name("left")).replace(" ", "")
            right = target.child_by_field_name("right")
            if left == "module.exports" and exported in {"*", "default"}:
                return module.resolve(right)
            if left == "module.exports" and exported not in {"*", "default"}:
                whole = module.resolve(right)
                if whole.known and isinstance(whole.raw, dict):
                    return whole.raw.get(exported)
            if left in {f"module.exports.{exported}", f"exports.{exported}"}:
                return module.resolve(right)
        if node.type == "export_statement":
            value = node.child_by_field_name("value")
            declaration = node.child_by_field_name("declaration")
            if exported == "default" and value is not None:
                return module.resolve(value)
            if declaration is not None and declaration.type in {
                "lexical_declaration",
                "variable_declaration",
            }:
                for declarator in declaration.named_children:
                    name = declarator.child_by_field_name("name")
                    if name is not None and module.text(name) == exported:
                        bound = declarator.child_by_field_name("value")
                        return module.resolve(bound) if bound is not None else None
            for clause in node.named_children:
                if clause.type != "export_clause":
                    continue
                for spec in clause.named_children:
                    name = spec.child_by_field_name("name")
                    alias = spec.child_by_field_name("alias")
                    shown = module.text(alias if alias is not None else name) if name is not None else ""
                    if shown == exported and name is not None:
                        return module.resolve(name)
    if exported == "*":
        return exported_value(module, "default")
    return None


def project_root(file: Path) -> Path | None:
    """The nearest folder above `file` holding a package.json (the Node project)."""
    for parent in file.resolve().parents:
        if (parent / "package.json").is_file():
            return parent
        if (parent / ".git").exists():
            return None
    return None


def project_files(root: Path) -> Iterator[Path]:
    """JS/TS sources of a Node project, without node_modules, build output and bundles."""
    for directory, folders, files in os.walk(root):
        folders[:] = sorted(f for f in folders if f not in SKIPPED_DIRECTORIES and not f.startswith("."))
        for name in sorted(files):
            if os.path.splitext(name)[1] in JS_SUFFIXES and not name.endswith((".min.js", ".bundle.js")):
                yield Path(directory) / name
