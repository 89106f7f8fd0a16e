"""A project class's static method, for `Cors.getOptions()` (99percent6/nodejs-skeleton
`src/index.ts`: `app.use(cors(Cors.getOptions()))`, with `export default class Cors { public
static getOptions({ originStrict = false } = {}) { ...; return corsOptions } }` in
`src/middlewares/cors.ts`, imported through `src/middlewares/index.ts`'s `export { Cors }`):
the method and the module it is written in, so that helper_returns reads what it returns as it
reads a plain helper's. Followed: a class declared in this module, a default or named import,
and re-exports (`import Cors from './cors'; export { Cors }`, `export { default as Cors } from
'./cors'`), a few hops deep. Anything else (a class expression, `module.exports = class`,
an instance method) is not a static method here."""

from __future__ import annotations

from typing import Any, Protocol

from corslint.extractors.js.syntax import Node, string_value

_HOPS = 4


class ClassModule(Protocol):
    """What is read of a module here (`module.JsModule`; no import back)."""

    imports: dict[str, tuple[str, str]]
    root: Node
    project: Any  # module.ModuleLoader: resolve_specifier, display, load

    def text(self, node: Node) -> str: ...


def static_method(module: ClassModule, holder: Node, method: str) -> tuple[Any, Node] | None:
    """The `static method()` of the class `holder` names, and the module it is written in."""
    if holder.type != "identifier":
        return None
    found = _class_named(module, module.text(holder), _HOPS)
    if found is None:
        return None
    home, declaration = found
    body = declaration.child_by_field_name("body")
    methods = [
        member
        for member in (body.named_children if body is not None else [])
        if member.type == "method_definition"
        and any(child.type == "static" for child in member.children)
        and (name := member.child_by_field_name("name")) is not None
        and home.text(name) == method
    ]
    return (home, methods[0]) if len(methods) == 1 else None


def _class_named(module: ClassModule, name: str, hops: int) -> tuple[Any, Node] | None:
    if hops <= 0:
        return None
    if name in module.imports:
        specifier, exported = module.imports[name]
        return _exported_class(module, specifier, exported, hops - 1)
    declared = [node for node in _top_declarations(module) if _class_name(module, node) == name]
    return (module, declared[0]) if len(declared) == 1 else None


def _exported_class(
    importer: ClassModule, specifier: str, exported: str, hops: int
) -> tuple[Any, Node] | None:
    project = importer.project
    if project is None or hops <= 0 or exported == "*":
        return None
    target = project.resolve_specifier(importer, specifier)
    if target is None or target.suffix.lower() not in {".js", ".mjs", ".cjs", ".ts", ".mts", ".cts"}:
        return None
    home = project.load(target, project.display(importer, target))
    if home is None:
        return None
    for statement in home.root.named_children:
        if statement.type != "export_statement":
            continue
        source_node = statement.child_by_field_name("source")
        source = string_value(source_node) if source_node is not None else None
        if exported == "default" and source is None and any(c.type == "default" for c in statement.children):
            declaration = statement.child_by_field_name("declaration") or statement.child_by_field_name(
                "value"
            )
            if declaration is not None and declaration.type in {"class_declaration", "class"}:
                return home, declaration
            if declaration is not None and declaration.type == "identifier":
                return _class_named(home, home.text(declaration), hops - 1)
            return None
        for clause in (c for c in statement.named_children if c.type == "export_clause"):
            for spec in clause.named_children:
                name = spec.child_by_field_name("name")
                alias = spec.child_by_field_name("alias")
                if name is None or home.text(alias if alias is not None else name) != exported:
                    continue
                if source is not None:  # `export { default as Cors } from './cors'`
                    return _exported_class(home, source, home.text(name), hops - 1)
                return _class_named(home, home.text(name), hops - 1)  # `export { Cors }`
    if exported == "default":
        return None
    declared = [node for node in _top_declarations(home) if _class_name(home, node) == exported]
    return (home, declared[0]) if len(declared) == 1 else None


def _top_declarations(module: ClassModule) -> list[Node]:
    """The class declarations at the top of the module, exported or not."""
    found = []
    for statement in module.root.named_children:
        if statement.type == "export_statement":
            declaration = statement.child_by_field_name("declaration")
            if declaration is not None and declaration.type == "class_declaration":
                found.append(declaration)
        elif statement.type == "class_declaration":
            found.append(statement)
    return found


def _class_name(module: ClassModule, declaration: Node) -> str | None:
    name = declaration.child_by_field_name("name")
    return module.text(name) if name is not None else None
