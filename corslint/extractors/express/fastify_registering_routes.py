"""Routes of the instance a Fastify plugin module is registered on. `@fastify/cors` is often
registered inside a plugin of its own (`export default fp(async (app) => { await
app.register(cors, {...}) })` in `plugins/cors.ts`), and the routes live in the module that
does `app.register(corsPlugin)` (Zsombinszky/Cool-Tool backend/src/app.ts). `fastify-plugin`
shares the plugin's instance with its parent, so the parent's routes, and those of the
plugins it registers, are the ones whose methods the CORS plugin must allow (CORS202).
Only the module's default export (`export default`, `module.exports =`) is followed."""

from __future__ import annotations

from pathlib import Path

from corslint.extractors.express.fastify_plugin_routes import RoutesOf, plugin_routes
from corslint.extractors.express.importer_candidates import candidate_importers
from corslint.extractors.express.origin_function_nodes import parameter_names
from corslint.extractors.js.declared_values import enclosing_function
from corslint.extractors.js.method_calls import method_calls
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap
from corslint.model import Route


def registering_routes(
    module: JsModule, call: Node, receiver: str, routes_of: RoutesOf
) -> tuple[Route, ...] | None:
    """The routes of the instances that register this module's exported plugin, when
    `receiver` (the instance `call` is made on) is that plugin's first parameter; None when
    it is not, or no registering instance declares a route corslint can see."""
    if exported_plugin_function(module, call, receiver) is None:
        return None
    candidates = candidate_importers(module, b"register(")
    if candidates is None:
        return None
    own = candidates.own
    routes: list[Route] = []
    for importer in candidates.modules:
        names = {
            local
            for local, (specifier, exported) in importer.imports.items()
            if exported in {"default", "*"} and _resolves_to(importer, specifier, own)
        }
        for registration in method_calls(importer, "register"):
            if not registration.arguments or not names:
                continue
            plugin = unwrap(registration.arguments[0])
            if plugin.type == "identifier" and importer.text(plugin) in names:
                routes += routes_of(importer, registration.receiver) or ()
                routes += plugin_routes(importer, registration.receiver, routes_of)
    return tuple(routes) or None


def exported_plugin_function(module: JsModule, call: Node, receiver: str) -> Node | None:
    """The function around `call` when it is the module's default export (`export default`,
    `module.exports =`, either wrapped in `fp(...)`) and `receiver` is its first parameter:
    the Fastify instance that registers the plugin."""
    function = enclosing_function(call)
    if function is None:
        return None
    parameters = parameter_names(module, function)
    if not parameters or parameters[0] != receiver:
        return None
    holder = function.parent
    if holder is not None and holder.type == "arguments":  # `fp(async (app) => {...})`
        holder = holder.parent.parent if holder.parent is not None else None
    while holder is not None and holder.type in {"parenthesized_expression", "await_expression"}:
        holder = holder.parent
    if holder is None:
        return None
    if holder.type == "export_statement":
        return function if module.text(holder).startswith("export default") else None
    if holder.type == "assignment_expression":
        left = module.text(holder.child_by_field_name("left")).replace(" ", "")
        return function if left == "module.exports" else None
    return None


def _resolves_to(importer: JsModule, specifier: str, own: Path) -> bool:
    if importer.project is None:
        return False
    resolved = importer.project.resolve_specifier(importer, specifier)
    return resolved is not None and resolved.resolve() == own
