"""The arguments a hand-written CORS middleware factory is called with: `module.exports =
function (allowOriginsArr) { return function (req, res, next) { if
(allowOriginsArr.includes(origin)) ... } }`, applied as `app.use(cors(ALLOW_ORIGIN))` with
`ALLOW_ORIGIN` a list of the project's config module (census 6 sample 232,
`server/middleware/cors.js` + `server/app.js`). Read on its own, the factory's parameter is
unknown; every call of the factory passing the same known value binds it (the middleware
then judged with that list), as a helper's parameters are bound where it is called."""

from __future__ import annotations

from pathlib import Path

from corslint.extractors.express.importer_candidates import candidate_importers
from corslint.extractors.express.response_headers import parameter_names
from corslint.extractors.js.declared_values import enclosing_function
from corslint.extractors.js.method_calls import call_arguments
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap
from corslint.model import FunctionValue, Value

_MAX_CALLS = 8


def factory_arguments(module: JsModule, handler: Node) -> dict[str, Value]:
    """The factory parameters every call binds to one known value, for a handler its factory
    returns; empty for any other handler, or where the calls disagree or cannot be read."""
    factory = _returning_factory(handler)
    if factory is None:
        return {}
    names = parameter_names(module, factory)
    if not names or not all(name.isidentifier() for name in names):
        return {}
    calls = _calls(module, factory)
    if not calls or len(calls) > _MAX_CALLS:
        return {}
    bound: dict[str, Value] = {}
    for position, name in enumerate(names):
        values = []
        for caller, call in calls:
            arguments = call_arguments(call)
            value = caller.resolve(arguments[position]) if position < len(arguments) else None
            if value is None or not value.known or isinstance(value.raw, FunctionValue):
                break
            values.append(value)
        else:
            if values and all(value.raw == values[0].raw for value in values):
                bound[name] = values[0]
    return bound


def _returning_factory(handler: Node) -> Node | None:
    """The function whose body returns `handler` (directly, or as its arrow body)."""
    parent = handler.parent
    while parent is not None and parent.type == "parenthesized_expression":
        parent = parent.parent
    if parent is None:
        return None
    if parent.type == "return_statement":
        return enclosing_function(parent)
    if parent.type in {"arrow_function"} and parent.child_by_field_name("body") == handler:
        return parent
    return None


def _calls(module: JsModule, factory: Node) -> list[tuple[JsModule, Node]]:
    """The calls of a factory that is the module's export (`module.exports = function`,
    `export default function`) from the modules importing it, or of a top-level function of
    the module by its name."""
    exported = _default_export(module, factory)
    if not exported or module.project is None:
        return []
    found = candidate_importers(module)
    if found is None:
        return []
    calls: list[tuple[JsModule, Node]] = []
    for importer in found.modules:
        for local, (specifier, name) in importer.imports.items():
            if name not in {"default", "*"} and not specifier:
                continue
            resolved = module.project.resolve_specifier(importer, specifier)
            if resolved is None or not _same(resolved, found.own) or name not in {"default", "*"}:
                continue
            calls += [
                (importer, call)
                for call in importer.of_kind("call_expression")
                if importer.text(call.child_by_field_name("function") or call) == local
            ]
    return calls


def _default_export(module: JsModule, factory: Node) -> bool:
    parent = factory.parent
    if parent is None:
        return False
    if parent.type == "export_statement":
        return "default" in module.text(parent).split("function", 1)[0]
    if parent.type == "assignment_expression":
        return module.text(unwrap(parent.child_by_field_name("left"))).replace(" ", "") == "module.exports"
    return False


def _same(path: Path, own: Path) -> bool:
    try:
        return path.resolve() == own
    except OSError:
        return False
