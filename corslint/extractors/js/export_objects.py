"""The whole module object `require()` or `import * as ns` returns when a module only
names its exports one by one (`exports.corsOptions = {...}`, `export const corsOptions =
{...}`): an object keyed by those names. Passing it where the options were meant
(`const corsOptions = require("./cors"); cors(corsOptions)`, puokl/OrderGraph
`backend/index.js`) hands cors an object whose only key is `corsOptions`, which it ignores."""

from __future__ import annotations

from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, string_value, unwrap
from corslint.model import Location, Provenance, Value

_EXPORT_PREFIXES = ("exports.", "module.exports.")
MODULE_OBJECT = "the module object of "  # how such a value is described


def module_object(module: JsModule, use: Location) -> Value | None:
    """The module object of a module that exports names one at a time, or None when its
    exports are not all written that plainly (a whole `module.exports = ...`, `export
    default`, `export * from`, `exports` used anywhere else: then nothing is claimed)."""
    if module.root.has_error:
        return None
    exported = _commonjs_exports(module)
    if exported is None:
        exported = _esm_exports(module)
    if not exported:
        return None
    return Value(
        {name: module.resolve(node) for name, node in exported.items()},
        use,
        Provenance.CONSTANT,
        description=f"{MODULE_OBJECT}{module.path}",
    )


def _commonjs_exports(module: JsModule) -> dict[str, Node] | None:
    """`exports.a = X` / `module.exports.a = X` statements at the top level, last one
    winning (TypeScript's output first writes `exports.a = void 0`)."""
    if module.of_kind("export_statement"):
        return None
    assigned: dict[str, Node] = {}
    claimed: set[int] = set()
    for statement in module.root.named_children:
        if statement.type != "expression_statement" or not statement.named_children:
            continue
        target = unwrap(statement.named_children[0])
        chain: list[str] = []
        while target.type == "assignment_expression":
            left = module.text(target.child_by_field_name("left")).replace(" ", "")
            prefix = next((p for p in _EXPORT_PREFIXES if left.startswith(p)), None)
            if prefix is None or not left[len(prefix) :].isidentifier():
                break
            chain.append(left[len(prefix) :])
            claimed.add(target.child_by_field_name("left").id)
            target = unwrap(target.child_by_field_name("right"))
        for name in chain:
            assigned[name] = target
    if not assigned:
        return None
    for identifier in module.of_kind("identifier"):
        if module.text(identifier) not in {"exports", "module"}:
            continue
        holder = identifier.parent
        while holder is not None and holder.type == "member_expression" and holder.id not in claimed:
            holder = holder.parent
        unclaimed = holder is None or holder.type != "member_expression"
        if unclaimed and not _is_es_module_marker(module, identifier):
            return None  # `Object.assign(module.exports, ...)`, `module.exports = ...`
    return assigned


def _is_es_module_marker(module: JsModule, identifier: Node) -> bool:
    """`Object.defineProperty(exports, "__esModule", { value: true })`: not enumerable,
    so no key cors (or anyone spreading the object) would see."""
    arguments = identifier.parent
    call = arguments.parent if arguments is not None else None
    return (
        call is not None
        and call.type == "call_expression"
        and module.text(call.child_by_field_name("function")) == "Object.defineProperty"
        and "__esModule" in module.text(arguments)
    )


def _esm_exports(module: JsModule) -> dict[str, Node] | None:
    """`export const a = X`, `export { a, b as c }`: the namespace object's keys."""
    found: dict[str, Node] = {}
    for statement in module.of_kind("export_statement"):
        if statement.parent is None or statement.parent.type != "program":
            return None
        if statement.child_by_field_name("value") is not None or statement.child_by_field_name("source"):
            return None  # `export default ...`, `export ... from "..."`
        if any(child.type == "default" for child in statement.children):
            return None
        declaration = statement.child_by_field_name("declaration")
        if declaration is not None:
            if declaration.type in {"interface_declaration", "type_alias_declaration"}:
                continue  # types are no keys of the runtime object
            if declaration.type not in {"lexical_declaration", "variable_declaration"}:
                name = declaration.child_by_field_name("name")
                if name is None:
                    return None
                found[module.text(name)] = declaration  # a function or class
                continue
            for declarator in declaration.named_children:
                name = declarator.child_by_field_name("name")
                value = declarator.child_by_field_name("value")
                if name is None or name.type != "identifier" or value is None:
                    return None
                found[module.text(name)] = value
            continue
        for clause in statement.named_children:
            if clause.type != "export_clause":
                continue
            for spec in clause.named_children:
                name = spec.child_by_field_name("name")
                alias = spec.child_by_field_name("alias")
                if name is None:
                    return None
                found[module.text(alias if alias is not None else name)] = name
    return found or None


def reexports(module: JsModule, exported: str) -> list[tuple[str, str]]:
    """Where `export * from "./x"` / `export { name as exported } from "./x"` send
    `exported`: (specifier, name there). SAEON/somisana `config/index.js` re-exports
    `ALLOWED_ORIGINS` from `./_app.js` with `export *`."""
    found: list[tuple[str, str]] = []
    for node in module.root.named_children:
        source_node = node.child_by_field_name("source") if node.type == "export_statement" else None
        source = string_value(source_node) if source_node is not None else None
        if source is None:
            continue
        clauses = [c for c in node.named_children if c.type == "export_clause"]
        if not clauses:
            if exported != "default" and module.text(node).replace(" ", "").startswith("export*from"):
                found.append((source, exported))
            continue
        for spec in clauses[0].named_children:
            name = spec.child_by_field_name("name")
            alias = spec.child_by_field_name("alias")
            shown = module.text(alias if alias is not None else name) if name is not None else ""
            if name is not None and shown == exported:
                found.append((source, module.text(name)))
    return found
