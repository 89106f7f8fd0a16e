"""The binding a name has where it is read, when the module declares that name more than
once, each in a function of its own (census 11 C2, ARTHURVANBELLE/SolidWebApp
src/utils/cors.ts: two helpers, each with its own `const allowed = opts.origins || TRUSTED`).
`JsModule.binding` answers only for a name bound once in the whole module; JavaScript
scoping answers here: the read sees the declarator of the innermost function that holds
both, when that function declares the name exactly once, before the read, under a plain
identifier, and nothing between them (a parameter of the same name in a function on the
way) shadows it. A name assigned anywhere as a whole (`allowed = ...`) is not read."""

from __future__ import annotations

from corslint.extractors.js.parsed_module import ParsedModule
from corslint.extractors.js.syntax import Node, unwrap

# the nodes that open a function scope (declared_values re-exports them for JsModule readers)
FUNCTIONS = frozenset(
    {"arrow_function", "function_expression", "function_declaration", "function", "method_definition"}
)


def enclosing_function(node: Node) -> Node | None:
    parent = node.parent
    while parent is not None and parent.type not in FUNCTIONS:
        parent = parent.parent
    return parent


def scoped_binding(module: ParsedModule, name: str, use: Node) -> Node | None:
    """The value node of the declarator of `name` that `use` reads; None where unsure."""
    declarators = module.declarators.get(name, [])
    if len(declarators) < 2:
        return None  # bound once (or never): `binding` and its fallbacks decide
    if any(
        unwrap(assignment.child_by_field_name("left")).type == "identifier"
        for assignment in module.assignments.get(name, [])
    ):
        return None
    holding: list[tuple[Node, Node]] = []
    for declarator in declarators:
        if declarator.type != "variable_declarator":
            return None  # an enum or another shape of binding: not read
        scope = enclosing_function(declarator)
        if scope is None:
            continue  # a module-level one: shadowed where a function declares its own
        if scope.start_byte <= use.start_byte < scope.end_byte:
            holding.append((scope, declarator))
    if not holding:
        return None
    innermost = max((scope for scope, _ in holding), key=lambda scope: scope.start_byte)
    own = [declarator for scope, declarator in holding if scope == innermost]
    if len(own) != 1 or own[0].end_byte > use.start_byte:
        return None
    if _shadowed(module, name, use, innermost):
        return None
    target = own[0].child_by_field_name("name")
    value = own[0].child_by_field_name("value")
    if target is None or target.type != "identifier" or value is None:
        return None
    return unwrap(value)


def _shadowed(module: ParsedModule, name: str, use: Node, scope: Node) -> bool:
    """A parameter named `name` of a function between `use` and `scope` (or of `scope`)."""
    node: Node | None = use
    while node is not None:
        if node.type in FUNCTIONS:
            parameters = node.child_by_field_name("parameters") or node.child_by_field_name("parameter")
            if parameters is not None and any(
                child.type in {"identifier", "shorthand_property_identifier_pattern"}
                and module.text(child) == name
                for child in _walk(parameters)
            ):
                return True
            if node == scope:
                return False
        node = node.parent
    return False


def _walk(node: Node) -> list[Node]:
    found = [node]
    for child in node.named_children:
        found.extend(_walk(child))
    return found
