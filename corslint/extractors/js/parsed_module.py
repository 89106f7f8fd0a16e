"""One parsed JS/TS file, walked once: its nodes, positions, bindings and imports, and the
questions answered from its syntax alone (which function a name is, which data file
`readFileSync` reads, which reads are `process.env`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

from corslint.extractors.js.enum_members import top_level_enums
from corslint.extractors.js.project_files import project_root
from corslint.extractors.js.syntax import (
    WRAPPERS,
    Node,
    is_env_name,
    nodes_and_kinds,
    parameter_default_node,
    string_value,
    unwrap,
)
from corslint.extractors.js.worker_env import worker_env_parameter
from corslint.model import Location

# The node types the extractors ask `of_kind` for, and those read while binding names:
# only these are kept from the walk (a fifth to a quarter of a file's nodes). A type asked
# for that is not kept is answered from a full walk of that module, and kept from then
# on in the modules parsed after it.
KEPT_KINDS = frozenset(
    {
        "call_expression",
        "new_expression",
        "member_expression",
        "subscript_expression",
        "string",
        "template_string",
        "method_definition",
        "pair",
        "formal_parameters",
        "required_parameter",
        "optional_parameter",
        "identifier",
        "shorthand_property_identifier",
        "variable_declarator",
        "assignment_expression",
        "import_statement",
        "import_require_clause",
        "function_declaration",
        *WRAPPERS,
    }
)
# Hono handlers' context (`c.env.X`: the Worker's bindings, environment variables among them)
_HONO_BINDINGS = frozenset({"c.env", "ctx.env", "context.env"})
_ENV_OBJECTS = frozenset({"process.env", "import.meta.env", "Bun.env"})
_KEEPING = [KEPT_KINDS]  # the types the next module parsed keeps
# Literals whose children are only their own pieces (quotes, fragments, escapes, a
# pattern and its flags): the walk does not go into them while no piece is asked for.
# Strings' pieces were 45% of the nodes of the JS files parsed on a tree of real projects
LITERALS = frozenset({"string", "regex"})
LITERAL_PIECES = frozenset(
    {'"', "'", "string_fragment", "escape_sequence", "html_character_reference"}
    | {"/", "regex_pattern", "regex_flags"}
)


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
    # the nodes of the types `_kept_for`, in source order, each with its type
    _kept: list[Node] = field(default_factory=list, compare=False, repr=False)
    _kept_kinds: list[str] = field(default_factory=list, compare=False, repr=False)
    _kept_for: frozenset[str] = field(default=KEPT_KINDS, compare=False, repr=False)
    _all: tuple[list[Node], list[str]] | None = field(default=None, compare=False, repr=False)
    _of_kind: dict[tuple[str, ...], list[Node]] = field(default_factory=dict, compare=False, repr=False)
    # where each kept type stands in `_kept`, made at the first `of_kind`
    _at_kind: dict[str, list[int]] | None = field(default=None, compare=False, repr=False)
    _declared_functions: dict[str, Node] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.lines = self.source.split(b"\n")
        # walked once, keeping only the nodes of the types asked for: a list of every node
        # held 45 MB for a 690 KB bundle (pdf.mjs), for the few passes that read it whole
        self._kept_for = _KEEPING[0]
        self._kept, self._kept_kinds = _kept_nodes(self.root, self._kept_for)
        for node, kind in zip(self._kept, self._kept_kinds, strict=True):
            if kind == "variable_declarator":
                self._declarator(node)
            elif kind == "assignment_expression":
                left = unwrap(node.child_by_field_name("left"))
                name = _base_name(left)
                if name is not None:
                    self.assignments.setdefault(name, []).append(node)
            elif kind == "import_statement":
                self._import(node)
        for name, body in top_level_enums(self):  # `enum H { ANY = "*" }`: a constant object
            self.declarations.setdefault(name, []).append(body)
            self.declarators.setdefault(name, []).append(body)

    @property
    def nodes(self) -> list[Node]:
        """Every node, in source order (walked when first asked for, then kept)."""
        return self._every_node()[0]

    @property
    def kinds(self) -> list[str]:
        """Each node's type, beside `nodes`."""
        return self._every_node()[1]

    def _every_node(self) -> tuple[list[Node], list[str]]:
        if self._all is None:
            self._all = nodes_and_kinds(self.root)
        return self._all

    def of_kind(self, *kinds: str) -> list[Node]:
        """The nodes of these types, in source order (`node.type` is a call: asked once)."""
        found = self._of_kind.get(kinds)
        if found is None:
            wanted = frozenset(kinds)
            if wanted <= self._kept_for:
                found = self._kept_of(wanted)
            else:
                nodes, types = self._every_node()
                _KEEPING[0] = _KEEPING[0] | wanted
                found = [node for node, kind in zip(nodes, types, strict=True) if kind in wanted]
            self._of_kind[kinds] = found
        return found

    def _kept_of(self, wanted: frozenset[str]) -> list[Node]:
        """The kept nodes of these types, in source order. The extractors ask for a module's
        nodes by a dozen sets of types: sorted once by type, each answer costs what it holds
        instead of a pass over every kept node (0.1-0.2 s on a tree of real projects)."""
        at_kind = self._at_kind
        if at_kind is None:
            at_kind = self._at_kind = {}
            for index, kind in enumerate(self._kept_kinds):
                found = at_kind.get(kind)
                if found is None:
                    at_kind[kind] = [index]
                else:
                    found.append(index)
        kept = self._kept
        places = [at_kind[kind] for kind in wanted if kind in at_kind]
        if not places:
            return []
        if len(places) == 1:
            return [kept[index] for index in places[0]]
        return [kept[index] for index in sorted(chain.from_iterable(places))]

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
        # indexed once: every unbound name read asks (thousands in a bundle)
        if self._declared_functions is None:
            index: dict[str, Node] = {}
            for child in self.root.named_children:
                target = (
                    child.child_by_field_name("declaration") if child.type == "export_statement" else child
                )
                if target is not None and target.type == "function_declaration":
                    function_name = target.child_by_field_name("name")
                    if function_name is not None:
                        index.setdefault(self.text(function_name), target)
            self._declared_functions = index
        return self._declared_functions.get(name)

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
        held = self.text(holder).replace(" ", "")
        if node.type == "member_expression" and (
            (held in _HONO_BINDINGS and self._imports_hono()) or worker_env_parameter(self, holder)
        ):
            prop = node.child_by_field_name("property")  # Hono's `c.env.X`, a Worker's `env.X`
            name = self.text(prop) if prop is not None else ""
            return name if is_env_name(name) else None
        if held not in _ENV_OBJECTS and not self._env_parameter(holder):
            return None
        if node.type == "member_expression":
            prop = node.child_by_field_name("property")
            return self.text(prop) if prop is not None else None
        index = node.child_by_field_name("index")
        return string_value(index) if index is not None else None

    def _env_parameter(self, holder: Node) -> bool:
        """`source` in `(source = process.env) => ({ open: source.OPEN_CORS !== '0' })`
        (imputnet/cobalt `api/src/core/env.js` `loadEnvs`): the environment itself, where the
        function is called without arguments as the deployment calls it."""
        if holder.type != "identifier" or self.binding(self.text(holder)) is not None:
            return False
        default = parameter_default_node(holder, self.text(holder))
        return default is not None and self.text(unwrap(default)).replace(" ", "") in _ENV_OBJECTS

    def _imports_hono(self) -> bool:
        return any(
            specifier == "hono" or specifier.startswith("hono/") for specifier, _ in self.imports.values()
        )

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


def _kept_nodes(root: Node, kept_kinds: frozenset[str]) -> tuple[list[Node], list[str]]:
    """The nodes of `kept_kinds` under `root` (itself included), in source order, and
    their types. A node's type is a string built at each call; its kind id is a number:
    the type is asked once per kind id (ids are the grammar's, and so per module)."""
    kept: list[Node] = []
    kinds: list[str] = []
    keep: dict[int, str | None] = {}
    closed: set[int] = set()  # kind ids of the LITERALS, while none of their pieces is kept
    skip_pieces = kept_kinds.isdisjoint(LITERAL_PIECES)
    cursor = root.walk()
    first_child, next_sibling, parent = cursor.goto_first_child, cursor.goto_next_sibling, cursor.goto_parent
    while True:
        node = cursor.node
        kind_id = node.kind_id
        if kind_id in keep:
            kind = keep[kind_id]
        else:
            node_type = node.type
            kind = keep[kind_id] = node_type if node_type in kept_kinds else None
            if skip_pieces and node_type in LITERALS:
                closed.add(kind_id)
        if kind is not None:
            kept.append(node)
            kinds.append(kind)
        # (a literal with a syntax error in it is walked: what error recovery put there is unknown)
        if (kind_id not in closed or node.has_error) and first_child():
            continue
        while not next_sibling():
            if not parent() or cursor.node == root:
                return kept, kinds


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
