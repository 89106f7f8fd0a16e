"""Where a JS name used at one place is declared: the function around a node, the name a
function is declared under, and the value of the last `const name = ...` before a use in a
scope that holds the use."""

from __future__ import annotations

from corslint.extractors.js.module import JsModule
from corslint.extractors.js.scoped_bindings import FUNCTIONS as FUNCTIONS
from corslint.extractors.js.scoped_bindings import enclosing_function as enclosing_function
from corslint.extractors.js.syntax import Node, unwrap


def declared_name(module: JsModule, function: Node) -> str | None:
    """The name `function` is declared under: its own (`function credentials(...)`), or
    its declarator's (`const credentials = (req, res, next) => ...`)."""
    name = function.child_by_field_name("name")
    if name is not None:
        return module.text(name)
    parent = function.parent
    if parent is not None and parent.type == "variable_declarator":
        declared = parent.child_by_field_name("name")
        return module.text(declared) if declared is not None else None
    return None


def declared_value(module: JsModule, name: str, use: Node) -> Node | None:
    """The value of the last `const name = ...` before `use` in a scope holding `use`, when
    `name` is not reassigned as a whole."""
    if any(
        unwrap(assignment.child_by_field_name("left")).type == "identifier"
        for assignment in module.assignments.get(name, [])
    ):
        return None
    found = None
    for declarator in module.declarators.get(name, []):
        if declarator.start_byte > use.start_byte:
            continue
        scope = enclosing_function(declarator)
        if scope is None or scope.start_byte <= use.start_byte < scope.end_byte:
            found = declarator
    value = found.child_by_field_name("value") if found is not None else None
    return unwrap(value) if value is not None else None
