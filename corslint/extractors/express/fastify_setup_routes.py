"""Routes of the instance a project's setup function registers @fastify/cors on, when the
routes are added by a sibling setup function (set 21, DanielArndt0/cnpj-api `src/app/app.ts`):

    // plugins.ts
    export async function registerPlugins(app) { await app.register(cors, {...}); }
    // routes.ts
    export async function registerRoutes(app) { await app.register(healthRoutes); ... }
    // app.ts
    const app = Fastify();
    await registerPlugins(app);
    await registerRoutes(app);

A plain function handed the instance is no plugin: the CORS plugin lands on that instance,
so its routes are every route the instance serves, those the calling module declares on
it, those of the plugins it registers, and those every other function it hands the instance
to declares or registers (one hop: `registerRoutes(app)`). Only a named export called by
name from a module importing it; None when no route is seen that way (CORS202 then keeps
judging the package's default against the non-simple methods, as before)."""

from __future__ import annotations

from pathlib import Path

from corslint.extractors.express.fastify_plugin_routes import RoutesOf, plugin_routes
from corslint.extractors.express.function_sources import functions_of
from corslint.extractors.express.importer_candidates import candidate_importers
from corslint.extractors.express.origin_function_nodes import parameter_names
from corslint.extractors.js.declared_values import enclosing_function
from corslint.extractors.js.method_calls import call_arguments
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap
from corslint.model import Route


def setup_function_routes(
    module: JsModule, call: Node, receiver: str, routes_of: RoutesOf
) -> tuple[Route, ...] | None:
    """The routes of the instances handed to the exported setup function `call` is made in,
    when `receiver` is that function's first parameter; None otherwise."""
    function = enclosing_function(call)
    if function is None or enclosing_function(function) is not None:
        return None
    parameters = parameter_names(module, function)
    name = exported_setup_name(module, function)
    if not parameters or parameters[0] != receiver or name is None:
        return None
    candidates = candidate_importers(module, name.encode())
    if candidates is None:
        return None
    routes: list[Route] = []
    for importer in candidates.modules:
        callees = {
            local
            for local, (specifier, exported) in importer.imports.items()
            if exported == name and resolves_to(importer, specifier, candidates.own)
        }
        for instance in _instances_handed(importer, callees):
            routes += routes_of(importer, instance) or ()
            routes += plugin_routes(importer, instance, routes_of)
            for other in _other_setups(importer, instance, callees):
                for home, setup in functions_of(importer, other):
                    names = parameter_names(home, setup)
                    if names and names[0].isidentifier():
                        routes += routes_of(home, names[0]) or ()
                        routes += plugin_routes(home, names[0], routes_of)
    return tuple(routes) or None


def exported_setup_name(module: JsModule, function: Node) -> str | None:
    """`export function name(app)`, `export const name = async (app) => ...`."""
    holder = function.parent
    if function.type == "function_declaration":
        named = function.child_by_field_name("name")
        if holder is not None and holder.type == "export_statement" and named is not None:
            return module.text(named)
        return None
    if holder is None or holder.type != "variable_declarator":
        return None
    declaration = holder.parent
    exported = declaration.parent if declaration is not None else None
    named = holder.child_by_field_name("name")
    if exported is None or exported.type != "export_statement" or named is None:
        return None
    return module.text(named)


def _instances_handed(importer: JsModule, callees: set[str]) -> list[str]:
    """The instances (`app`) the setup function is called with in `importer`."""
    instances: list[str] = []
    for call in importer.of_kind("call_expression"):
        callee = unwrap(call.child_by_field_name("function"))
        arguments = list(call_arguments(call))
        if callee is None or callee.type != "identifier" or importer.text(callee) not in callees:
            continue
        if arguments and unwrap(arguments[0]).type == "identifier":
            instance = importer.text(unwrap(arguments[0]))
            if instance not in instances:
                instances.append(instance)
    return instances


def _other_setups(importer: JsModule, instance: str, callees: set[str]) -> list[Node]:
    """The callees of the other calls in `importer` handed `instance` first."""
    others: list[Node] = []
    for call in importer.of_kind("call_expression"):
        callee = unwrap(call.child_by_field_name("function"))
        arguments = list(call_arguments(call))
        if callee is None or callee.type != "identifier" or importer.text(callee) in callees:
            continue
        if arguments and importer.text(unwrap(arguments[0])) == instance:
            others.append(callee)
    return others


def resolves_to(importer: JsModule, specifier: str, own: Path) -> bool:
    if importer.project is None:
        return False
    resolved = importer.project.resolve_specifier(importer, specifier)
    return resolved is not None and resolved.resolve() == own
