"""Routes of the Hono app a setup function registers `cors` on, when the app is handed down
through setup functions and sub-apps (set 25, xpadev-net/video-host-api):

    // middleware/cors.ts
    export const handleCors = (app) => { app.use("/*", cors({...})) };
    // middleware/index.ts
    export const registerMiddleware = (app) => { handleCors(app); };
    // index.ts
    const app = new Hono(); registerMiddleware(app); registerRoute(app);
    // routes/index.ts
    export const registerRoute = (app) => { const api = new Hono(); registerV4(api); app.route("/api", api); };

Upwards, from the exported function whose first parameter the layer is registered on, to
the calls handing it an instance (again through exported functions handing on their own
first parameter). Downwards, from each instance in the scope that holds it: its routes,
those of the functions it is handed to first (local or imported), and those of the
sub-apps `.route(prefix, sub)` mounts that are built in the same scope, under the prefix.
None when no route is seen that way (the layer's routes stay unknown, as before)."""

from __future__ import annotations

from collections.abc import Iterator

from corslint.extractors.express.fastify_setup_routes import exported_setup_name, resolves_to
from corslint.extractors.express.function_sources import functions_of
from corslint.extractors.express.importer_candidates import candidate_importers
from corslint.extractors.express.origin_function_nodes import parameter_names
from corslint.extractors.express.registrations import ROUTE_METHODS
from corslint.extractors.js.declared_values import enclosing_function
from corslint.extractors.js.method_calls import call_arguments
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, string_value, unwrap
from corslint.model import Route

MAX_UP = 3  # setup functions calling setup functions, up to the app
MAX_DOWN = 10  # setup functions below it (sub-apps they mount count none)
_EVERY_PATH = frozenset({"*", "/*"})
_Seen = set[tuple[str, int, str]]


def setup_routes(module: JsModule, call: Node, receiver: str) -> tuple[Route, ...] | None:
    """The routes of the apps handed to the exported setup function `call` is made in, when
    `receiver` is its first parameter; None otherwise or when none is seen."""
    if _setup_name(module, call, receiver) is None:
        return None
    found: list[Route] = []
    seen: _Seen = set()
    for home, scope, instance in _apps(module, call, receiver, 0):
        found += _instance_routes(home, scope, instance, "", seen, 0)
    return tuple(found) or None


def _setup_name(module: JsModule, call: Node, receiver: str) -> str | None:
    """The exported name of the top-level function `call` is in, when `receiver` is its first
    parameter."""
    function = enclosing_function(call)
    if function is None or enclosing_function(function) is not None:
        return None
    parameters = parameter_names(module, function)
    if not parameters or parameters[0] != receiver:
        return None
    return exported_setup_name(module, function)


def _apps(module: JsModule, call: Node, receiver: str, depth: int) -> Iterator[tuple[JsModule, Node, str]]:
    """(module, scope, name) of each instance `receiver` is, followed up through the calls of
    the setup functions it is the first parameter of."""
    name = _setup_name(module, call, receiver)
    if name is None:
        function = enclosing_function(call)
        yield module, function if function is not None else module.root, receiver
        return
    if depth >= MAX_UP:
        return
    candidates = candidate_importers(module, name.encode())
    if candidates is None:
        return
    for importer in candidates.modules:
        callees = {
            local
            for local, (specifier, exported) in importer.imports.items()
            if exported == name and resolves_to(importer, specifier, candidates.own)
        }
        for handing in importer.of_kind("call_expression"):
            callee = unwrap(handing.child_by_field_name("function"))
            arguments = call_arguments(handing)
            if callee is None or callee.type != "identifier" or importer.text(callee) not in callees:
                continue
            if arguments and unwrap(arguments[0]).type == "identifier":
                yield from _apps(importer, handing, importer.text(unwrap(arguments[0])), depth + 1)


def _instance_routes(
    module: JsModule, scope: Node, receiver: str, prefix: str, seen: _Seen, depth: int
) -> list[Route]:
    key = (module.path, scope.start_byte, receiver)
    if key in seen or depth > MAX_DOWN:
        return []
    seen.add(key)
    routes: list[Route] = []
    for call in module.of_kind("call_expression"):
        if call.start_byte < scope.start_byte or call.end_byte > scope.end_byte:
            continue
        function = unwrap(call.child_by_field_name("function"))
        arguments = call_arguments(call)
        if function is None or not arguments:
            continue
        if function.type == "member_expression":
            if module.text(unwrap(function.child_by_field_name("object"))) != receiver:
                continue
            verb = module.text(function.child_by_field_name("property"))
            routes += _declared(module, scope, call, verb, arguments, prefix, seen, depth)
        elif module.text(unwrap(arguments[0])) == receiver:  # `registerUsers(app)`
            for home, setup in functions_of(module, function):
                parameters = parameter_names(home, setup)
                if parameters and parameters[0].isidentifier():
                    routes += _instance_routes(home, setup, parameters[0], prefix, seen, depth + 1)
    return routes


def _declared(
    module: JsModule,
    scope: Node,
    call: Node,
    verb: str,
    arguments: tuple[Node, ...],
    prefix: str,
    seen: _Seen,
    depth: int,
) -> list[Route]:
    """A route `receiver.<verb>(path, ...)` declares, or the routes of the sub-app
    `receiver.route(path, sub)` mounts when `sub` is built in the same scope."""
    path = string_value(arguments[0])
    if verb in ROUTE_METHODS and len(arguments) >= 2:
        if verb == "all" and (path or "*") in _EVERY_PATH:
            return []  # `app.all("*", ...)`: middleware, no route of its own
        shown = _joined(prefix, path) if path is not None else "?"
        return [Route(shown, ROUTE_METHODS[verb], module.location(call))]
    if verb == "route" and len(arguments) == 2 and path is not None:
        sub = unwrap(arguments[1])
        if sub.type == "identifier":
            return _instance_routes(module, scope, module.text(sub), _joined(prefix, path), seen, depth)
    return []


def _joined(prefix: str, path: str) -> str:
    if not prefix:
        return path or "/"
    return prefix.rstrip("/") + "/" + path.lstrip("/") if path.strip("/") else prefix
