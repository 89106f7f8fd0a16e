"""A name never declared but assigned once, `allowed = new Set()...` in sloppy-mode
CommonJS: an implicit global, bound to that one value as `const` would bind it. Not when
the name is a parameter of a function around its use, imported, declared as a function,
or written anywhere else (another assignment, a property write, `x += ...`)."""

from __future__ import annotations

from corslint.extractors.js.parsed_module import ParsedModule
from corslint.extractors.js.syntax import Node, unwrap

_FUNCTIONS = frozenset(
    {"arrow_function", "function_expression", "function_declaration", "function", "method_definition"}
)


def implicit_global(module: ParsedModule, use: Node, name: str) -> Node | None:
    """The value `name` is implicitly bound to at `use`, or None."""
    if module.declarators.get(name) or name in module.imports:
        return None
    assignments = module.assignments.get(name, [])
    if len(assignments) != 1:
        return None
    assignment = assignments[0]
    left = assignment.child_by_field_name("left")
    if left is None or unwrap(left).type != "identifier" or assignment.parent is None:
        return None
    if assignment.parent.type != "expression_statement" or assignment.start_byte > use.start_byte:
        return None
    if _is_parameter(module, use, name) or _is_parameter(module, assignment, name):
        return None
    for node in module.of_kind("augmented_assignment_expression", "update_expression"):
        target = node.child_by_field_name("left") or node.child_by_field_name("argument")
        if target is not None and module.text(unwrap(target)) == name:
            return None  # `allowed += ...`, `count++`
    return assignment.child_by_field_name("right")


def _is_parameter(module: ParsedModule, node: Node, name: str) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.type in _FUNCTIONS:
            parameters = parent.child_by_field_name("parameters") or parent.child_by_field_name("parameter")
            if parameters is not None and name in _names(module, parameters):
                return True
        if parent.type == "catch_clause":
            parameter = parent.child_by_field_name("parameter")
            if parameter is not None and module.text(parameter) == name:
                return True
        parent = parent.parent
    return False


def _names(module: ParsedModule, parameters: Node) -> set[str]:
    if parameters.type == "identifier":
        return {module.text(parameters)}
    found = set()
    stack = [parameters]
    while stack:
        node = stack.pop()
        if node.type in {"identifier", "shorthand_property_identifier_pattern"}:
            found.add(module.text(node))
        stack.extend(node.named_children)
    return found
