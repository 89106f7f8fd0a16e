"""The function an expression names, followed across modules: inline, bound to a name,
imported (`import x from "./x"`, `require("./x")`, `import("./x")`, `(await
import("./x")).default`, re-exported with `export * from` / `export { x } from`), or wrapped
in a call that hands it on (`fp(fn, options)` of fastify-plugin). For extractors that read
what a function passed elsewhere does: a Fastify plugin's routes, a cors options delegate."""

from __future__ import annotations

from corslint.extractors.js.export_objects import reexports
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, string_value, unwrap

_FUNCTIONS = frozenset({"arrow_function", "function_expression", "function", "function_declaration"})
MAX_HOPS = 6


def functions_of(module: JsModule, node: Node, depth: int = 0) -> list[tuple[JsModule, Node]]:
    """The function(s) `node` stands for, each with the module that holds it."""
    if depth > MAX_HOPS:
        return []
    node = unwrap(node)
    if node.type == "await_expression" and node.named_children:
        return functions_of(module, node.named_children[0], depth + 1)
    if node.type in _FUNCTIONS:
        return [(module, node)]
    if node.type == "member_expression":
        prop = node.child_by_field_name("property")
        if prop is not None and module.text(prop) == "default":
            return functions_of(module, node.child_by_field_name("object"), depth + 1)
        return []
    if node.type == "call_expression":
        callee = module.text(node.child_by_field_name("function"))
        arguments = node.child_by_field_name("arguments")
        named = [c for c in arguments.named_children if c.type != "comment"] if arguments else []
        if callee in {"require", "import"} and named:
            specifier = string_value(named[0])
            return (
                imported_functions(module, specifier, "default", depth + 1) if specifier is not None else []
            )
        if named:  # fastify-plugin's `fp(fn, options)` and similar wrappers
            return functions_of(module, named[0], depth + 1)
        return []
    if node.type in {"identifier", "shorthand_property_identifier"}:
        name = module.text(node)
        if name in module.imports:
            specifier, exported = module.imports[name]
            return imported_functions(module, specifier, exported, depth + 1)
        function = module.function_node(node) or module.top_function(name)
        if function is not None:
            return [(module, function)]
        bound = module.binding(name)
        if bound is not None:
            return functions_of(module, bound, depth + 1)
        assigned = [
            right
            for assignment in module.assignments.get(name, [])
            if (right := assignment.child_by_field_name("right")) is not None
        ]
        if len(assigned) == 1:
            return functions_of(module, assigned[0], depth + 1)
    return []


def imported_functions(
    module: JsModule, specifier: str, exported: str, depth: int = 0
) -> list[tuple[JsModule, Node]]:
    """The function(s) module `specifier` exports as `exported`, through re-exports."""
    project = module.project
    if project is None or depth > MAX_HOPS:
        return []
    target = project.resolve_specifier(module, specifier)
    if target is None or target.suffix.lower() in {".json", ".yaml", ".yml"}:
        return []
    loaded = project.load(target, project.display(module, target))
    if loaded is None:
        return []
    exported_node = _export(loaded, exported)
    if exported_node is not None:
        return functions_of(loaded, exported_node, depth + 1)
    for source, name in reexports(loaded, exported):
        found = imported_functions(loaded, source, name, depth + 1)
        if found:
            return found
    return []


def export_node(module: JsModule, exported: str) -> Node | None:
    """The expression `module` exports as `exported` (see `_export`)."""
    return _export(module, exported)


def _export(module: JsModule, exported: str) -> Node | None:
    """The expression `module.exports = X`, `export default X`, `export const name = X`,
    `export function name`, `exports.name = X` names."""
    default = exported in {"default", "*"}
    for node in module.root.named_children:
        if node.type == "expression_statement" and node.named_children:
            target = unwrap(node.named_children[0])
            if target.type == "assignment_expression":
                left = module.text(target.child_by_field_name("left")).replace(" ", "")
                if (default and left == "module.exports") or left in {
                    f"module.exports.{exported}",
                    f"exports.{exported}",
                }:
                    return target.child_by_field_name("right")
                if left == "module.exports":  # `module.exports = { corsDelegate, other: fn }`
                    member = _object_member(module, target.child_by_field_name("right"), exported)
                    if member is not None:
                        return member
        if node.type != "export_statement":
            continue
        value = node.child_by_field_name("value")
        declaration = node.child_by_field_name("declaration")
        if default and value is not None:
            return value
        if declaration is None:
            continue
        if declaration.type == "function_declaration":
            name = declaration.child_by_field_name("name")
            if (default and "default" in module.text(node)[:20]) or (
                name is not None and module.text(name) == exported
            ):
                return declaration
        elif declaration.type in {"lexical_declaration", "variable_declaration"}:
            for declarator in declaration.named_children:
                name = declarator.child_by_field_name("name")
                if name is not None and module.text(name) == exported:
                    return declarator.child_by_field_name("value")
    return None


def _object_member(module: JsModule, node: Node | None, name: str) -> Node | None:
    node = unwrap(node) if node is not None else None
    if node is None or node.type != "object":
        return None
    for child in node.named_children:
        if child.type == "shorthand_property_identifier" and module.text(child) == name:
            return child
        if child.type == "pair":
            key = child.child_by_field_name("key")
            if key is not None and (string_value(key) or module.text(key)) == name:
                return child.child_by_field_name("value")
    return None
