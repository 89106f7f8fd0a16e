"""One parsed JS/TS file, walked once: its nodes, positions, bindings and imports, and the
questions answered from its syntax alone (which function a name is, which data file
`readFileSync` reads, which reads are `process.env`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from corslint.extractors.js.project_files import project_root
from corslint.extractors.js.syntax import Node, nodes_and_kinds, string_value, unwrap
from corslint.model import Location


@dataclass
class ParsedModule:
    """One parsed JS/TS file and what the resolver needs from it."""

    path: str  # as reported
    file: Path | None  # on disk, for resolving relative imports (None for snippets)
    source: bytes
    root: Node
    lines: list[bytes] = field(default_factory=list)
    declarations: dict[str, list[Node]] = field(default_factory=dict)  # name -> declarator value nodes
    declarators: dict[str, list[Node]] = field(default_factory=dict)  # name -> declarator nodes
    assignments: dict[str, list[Node]] = field(default_factory=dict)  # name -> assignment_expression
    imports: dict[str, tuple[str, str]] = field(default_factory=dict)  # local -> (specifier, export)
    nodes: list[Node] = field(default_factory=list)  # every node, in source order
    kinds: list[str] = field(default_factory=list)  # each node's type, beside it
    _of_kind: dict[tuple[str, ...], list[Node]] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.lines = self.source.split(b"\n")
        # walked once: each later pass over the whole file iterates this list, which costs
        # a fifth of stepping a tree cursor through the tree again
        self.nodes, self.kinds = nodes_and_kinds(self.root)
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
                specifier = require_specifier(self, value)
                if specifier is not None:
                    self.imports[self.text(name_node)] = (specifier, "*")
        elif name_node.type == "object_pattern" and value is not None:
            specifier = require_specifier(self, value)
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
        elif where.type == "template_string" and self.text(where).startswith("`${__dirname}/"):
            base = self.file.resolve().parent  # `${__dirname}/config/app.yml`
            rest = self.text(where)[len("`${__dirname}/") : -1]
            if "${" in rest:
                return None
            parts.append(rest)
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


def require_specifier(module: ParsedModule, node: Node | None) -> str | None:
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
