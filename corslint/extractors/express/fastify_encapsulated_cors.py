"""`@fastify/cors` registered inside a plugin that is not wrapped with `fastify-plugin`
(sweep 13 M8: Abner3003/pinglish src/plugins/cors.ts, `export const corsPlugin:
FastifyPluginAsync = async (app) => { await app.register(cors, {...}) }`, registered by
src/app.ts beside the route plugins):

    // plugins/cors.js                          // app.js
    export const corsSetup = async (app) => {   app.register(corsSetup);
      await app.register(cors, { origin });     app.register(lessonRoutes, { prefix: "/lessons" });
    };

Fastify encapsulates every plugin that is not marked `skip-override` (what `fp()` does): the
`onRequest` hook @fastify/cors adds lives in `corsSetup`'s own context, so routes registered
by its parent or its siblings never run it; only the `OPTIONS *` route the plugin adds is
global. Measured with fastify 5 + @fastify/cors 11 (tests/test_differential_fastify_encapsulated_cors.py):
a GET from the allowed origin answers 200 without Access-Control-Allow-Origin, while its
preflight gets 204 with it. Every real cross-origin request is blocked after a passing
preflight (CORS303 `misordered`; `after-every-route`: no answer with data carries the
plugin's headers, so the origin rules do not judge it).

Said only where certain: the register call is a top-level statement of a function whose
first parameter it is made on, the function registers nothing else and declares no route
on it, it is exported by name or as the default and is not wrapped (no `fastify-plugin`,
`skip-override` or `fp(` in its module), and a module of the project registers it by name
on an instance that also serves routes (its own or through other plugins); every module
registering it registers it that way (bare, no `fp()` around it)."""

from __future__ import annotations

from pathlib import Path

from corslint.extractors.express.cors_after_routes import AFTER_EVERY_ROUTE
from corslint.extractors.express.fastify_plugin_routes import RoutesOf, plugin_routes
from corslint.extractors.express.importer_candidates import candidate_importers
from corslint.extractors.express.origin_function_nodes import parameter_names
from corslint.extractors.js.method_calls import method_calls
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap
from corslint.model import Evidence, Route

_FUNCTIONS = frozenset({"arrow_function", "function_expression", "function", "function_declaration"})
_PLUGIN_PACKAGE = "fastify-plugin"


def encapsulated_cors(module: JsModule, call: Node, receiver: str, routes_of: RoutesOf) -> list[Evidence]:
    """`misordered` and `after-every-route` evidence for the `receiver.register(cors, ...)`
    at `call` when it sits in an encapsulated plugin whose registering instance serves
    routes outside it (see the module)."""
    if _may_wrap(module):
        return []
    function = _plugin_function(module, call, receiver)
    if function is None:
        return []
    exported = _exported_as(module, function)
    if exported is None:
        return []
    routes = _sibling_routes(module, exported, routes_of)
    if not routes:
        return []
    first = routes[0].location
    where = f"line {first.line}" if first.path == module.path else f"{first.path}:{first.line}"
    detail = (
        "@fastify/cors is registered inside a plugin that is not wrapped with `fastify-plugin`: "
        "Fastify keeps its hooks inside that plugin, so the routes registered beside it "
        f"(such as the one at {where}) answer without CORS headers, while preflights (the "
        "plugin's global OPTIONS route) succeed, and the real requests are then blocked; wrap the "
        "plugin with `fastify-plugin` or register @fastify/cors on the root instance"
    )
    location = module.location(call)
    return [
        Evidence("misordered", detail, location),
        Evidence(AFTER_EVERY_ROUTE, "no answer with data carries this plugin's headers", location),
    ]


def _plugin_function(module: JsModule, call: Node, receiver: str) -> Node | None:
    """The function whose body's top level holds the register call, made on its first
    parameter, when it registers or routes nothing else on it."""
    statement = call.parent
    while statement is not None and statement.type in {"await_expression", "parenthesized_expression"}:
        statement = statement.parent
    if statement is None or statement.type != "expression_statement":
        return None
    body = statement.parent
    function = body.parent if body is not None and body.type == "statement_block" else None
    if function is None or function.type not in _FUNCTIONS:
        return None
    parameters = parameter_names(module, function)
    if not parameters or parameters[0] != receiver:
        return None
    for other in method_calls(module, "register"):
        if other.receiver == receiver and other.call != call and _inside(other.call, function):
            return None
    if _routes_within(module, receiver, function):
        return None
    return function


def _routes_within(module: JsModule, receiver: str, function: Node) -> bool:
    """Whether `function` calls anything on `receiver` but the one register (a route, a hook)."""
    for node in module.of_kind("member_expression"):
        if not _inside(node, function):
            continue
        if module.text(unwrap(node.child_by_field_name("object"))) != receiver:
            continue
        if module.text(node.child_by_field_name("property")) != "register":
            return True
    return False


def _inside(node: Node, function: Node) -> bool:
    return bool(function.start_byte <= node.start_byte and node.end_byte <= function.end_byte)


def _exported_as(module: JsModule, function: Node) -> str | None:
    """The name `function` is exported under (`export const name = ...`, `export async
    function name`, `export default ...`), or None."""
    holder = function.parent
    if holder is not None and holder.type == "export_statement":
        if "default" in module.text(holder)[:16]:
            return "default"
        name = function.child_by_field_name("name")
        return module.text(name) if name is not None else None
    if holder is not None and holder.type == "variable_declarator":
        declaration = holder.parent
        exporter = declaration.parent if declaration is not None else None
        name = holder.child_by_field_name("name")
        if exporter is not None and exporter.type == "export_statement" and name is not None:
            return module.text(name)
    return None


def _sibling_routes(module: JsModule, exported: str, routes_of: RoutesOf) -> list[Route]:
    candidates = candidate_importers(module, b"register(")
    if candidates is None:
        return []
    routes: list[Route] = []
    registered = False
    for importer in candidates.modules:
        names = {
            local
            for local, (specifier, name) in importer.imports.items()
            if name == exported and _resolves_to(importer, specifier, candidates.own)
        }
        if not names:
            continue
        for registration in method_calls(importer, "register"):
            if not registration.arguments:
                continue
            plugin = unwrap(registration.arguments[0])
            if importer.text(plugin).replace(" ", "") in {f"fp({n})" for n in names}:
                return []  # wrapped where it is registered
            if plugin.type != "identifier" or importer.text(plugin) not in names:
                continue
            registered = True
            routes += routes_of(importer, registration.receiver) or ()
            routes += plugin_routes(importer, registration.receiver, routes_of)
        if _may_wrap(importer):
            return []
    return routes if registered else []


def _may_wrap(module: JsModule) -> bool:
    """Whether the module may mark a plugin to share its parent's context: it imports
    fastify-plugin or spells `skip-override`."""
    return b"skip-override" in module.source or any(
        specifier == _PLUGIN_PACKAGE for specifier, _ in module.imports.values()
    )


def _resolves_to(importer: JsModule, specifier: str, own: Path) -> bool:
    if importer.project is None or not specifier.startswith("."):
        return False
    resolved = importer.project.resolve_specifier(importer, specifier)
    return resolved is not None and resolved.resolve() == own
