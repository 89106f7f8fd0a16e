"""The koa-router routes a Koa CORS middleware answers preflights for, when the app is
wired through setup functions in several modules:

    // middleware/cors.js                      // middleware/index.js
    module.exports = () => cors({              module.exports = (app) => {
      allowMethods: ['GET', 'POST'],             app.use(corsSetup());
    });                                        };
    // routes.js                               // app.js
    module.exports = (app) => {                setupMiddleware(app);
      router.put('/items/:id', ...);           setupRoutes(app);
      app.use(router.routes());
    };

(guodonglw/koa-practice `middleware/corsRelated/index.js`, `middleware/index.js`,
`router.js`, `app.js`; guodonglw/ts-service likewise in TypeScript.) The routers mounted on
the same app after the CORS middleware are the routes whose preflights it answers, so their
methods are judged against its `allowMethods` (CORS202).

Only what is plain is followed: the middleware registered once (`app.use(...)` in the
module, or a factory the module exports whole, called once inside an `app.use(...)` of an
importer); routers mounted by `app.use(router.routes())` after it, in the same function,
or in setup functions the same caller calls on the same app after the one that registers
the middleware; a router made in its module (`new Router()`, an optional literal `prefix`)
or exported whole by a module of the project. None otherwise (the routes stay unknown)."""

from __future__ import annotations

from corslint.extractors.express.imported_app_order import exported_function, exported_local, first_parameter
from corslint.extractors.express.importer_candidates import candidate_importers
from corslint.extractors.js.declared_values import enclosing_function
from corslint.extractors.js.method_calls import call_arguments
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, string_value, unwrap
from corslint.model import Route

_VERBS = {
    "get": ("GET",),
    "post": ("POST",),
    "put": ("PUT",),
    "patch": ("PATCH",),
    "delete": ("DELETE",),
    "del": ("DELETE",),
}
_ROUTER_CLASSES = frozenset({"Router", "KoaRouter", "koaRouter", "router"})
_DATA_SUFFIXES = frozenset({".json", ".yaml", ".yml", ".toml"})

Site = tuple[JsModule, Node, str]  # a module, its `x.use(...)` call, the receiver `x`


def koa_app_routes(module: JsModule, cors_call: Node) -> tuple[Route, ...] | None:
    """The routes mounted on the app after the middleware `cors_call` makes; None when
    unknown (no plain registration, or no router found)."""
    site = _registration(module, cors_call)
    if site is None:
        return None
    home, use_call, receiver = site
    scope = enclosing_function(use_call)
    routes = _mounted(home, receiver, scope, use_call)
    if routes is None:
        return None
    if scope is not None and first_parameter(home, scope) == receiver and exported_function(home) == scope:
        later = _later_setups(home)
        if later is None:
            return None
        routes += later
    return tuple(routes) or None


# -- where the middleware is registered ------------------------------------------------


def _registration(module: JsModule, cors_call: Node) -> Site | None:
    site = _use_around(module, cors_call)
    if site is not None:
        return site
    factory = enclosing_function(cors_call)
    if factory is None or exported_function(module) != factory or not _returned(factory, cors_call):
        return None
    calls = _default_export_calls(module)
    if calls is None:
        return None
    sites = []
    for importer, call in calls:
        found = _use_around(importer, call)
        if found is None:
            return None  # called elsewhere than inside `app.use(...)`: unsure
        sites.append(found)
    return sites[0] if len(sites) == 1 else None


def _default_export_calls(module: JsModule) -> list[tuple[JsModule, Node]] | None:
    """Each call of `module`'s default (or namespace) import in the project's modules that
    import it by a relative path, with the importing module; None when the importers cannot
    be listed."""
    candidates = candidate_importers(module)
    if candidates is None:
        return None
    calls = []
    for importer in candidates.modules:
        for local, (specifier, exported) in importer.imports.items():
            if exported not in {"*", "default"} or not specifier.startswith(".") or importer.project is None:
                continue
            target = importer.project.resolve_specifier(importer, specifier)
            if target is None or target.resolve() != candidates.own:
                continue
            for reference in importer.references(local):
                call = reference.parent
                if (
                    call is not None
                    and call.type == "call_expression"
                    and call.child_by_field_name("function") == reference
                ):
                    calls.append((importer, call))
    return calls


def _use_around(module: JsModule, call: Node) -> Site | None:
    """`x.use(call)`: the module, the `use` call and `x`."""
    arguments = call.parent
    use = arguments.parent if arguments is not None and arguments.type == "arguments" else None
    if use is None or use.type != "call_expression":
        return None
    function = unwrap(use.child_by_field_name("function"))
    if function is None or function.type != "member_expression":
        return None
    prop, holder = function.child_by_field_name("property"), unwrap(function.child_by_field_name("object"))
    if prop is None or module.text(prop) != "use" or holder is None or holder.type != "identifier":
        return None
    return module, use, module.text(holder)


def _returned(function: Node, call: Node) -> bool:
    body = function.child_by_field_name("body")
    if body is not None and unwrap(body) == call:
        return True
    parent = call.parent
    return parent is not None and parent.type == "return_statement" and enclosing_function(parent) == function


# -- the routers mounted after it ---------------------------------------------------------


def _mounted(module: JsModule, receiver: str, scope: Node | None, after: Node | None) -> list[Route] | None:
    """Routes of the routers `receiver.use(router.routes())` mounts in `scope` after
    `after`; None when a mounted router cannot be read."""
    routes: list[Route] = []
    for call in module.of_kind("call_expression"):
        if after is not None and call.start_byte <= after.start_byte:
            continue
        if enclosing_function(call) != scope:
            continue
        site = _use_around(module, call)
        if site is None or site[2] != receiver:
            continue
        function = unwrap(call.child_by_field_name("function"))
        if function.type != "member_expression" or call_arguments(call):
            continue
        prop, router = (
            function.child_by_field_name("property"),
            unwrap(function.child_by_field_name("object")),
        )
        if prop is None or module.text(prop) != "routes" or router.type != "identifier":
            continue
        found = _router_routes(module, module.text(router))
        if found is None:
            return None
        routes += found
    return routes


def _router_routes(module: JsModule, name: str) -> list[Route] | None:
    imported = module.imports.get(name)
    if imported is not None:
        specifier, exported = imported
        if not specifier.startswith(".") or module.project is None:
            return None
        target = module.project.resolve_specifier(module, specifier)
        if target is None or target.suffix.lower() in _DATA_SUFFIXES:
            return None
        loaded = module.project.load(target, module.project.display(module, target))
        local = exported_local(loaded, exported) if loaded is not None else None
        return _router_routes(loaded, local) if loaded is not None and local is not None else None
    if len(module.declarators.get(name, [])) != 1:
        return None
    bound = module.binding(name)
    made = unwrap(bound) if bound is not None else None
    if made is None or made.type not in {"new_expression", "call_expression"}:
        return None
    callee = made.child_by_field_name("constructor") or made.child_by_field_name("function")
    if callee is None or module.text(callee).split(".")[-1] not in _ROUTER_CLASSES:
        return None
    prefix = _prefix(module, made)
    if prefix is None:
        return None
    routes = []
    for call in module.of_kind("call_expression"):
        function = unwrap(call.child_by_field_name("function"))
        if function is None or function.type != "member_expression":
            continue
        holder, prop = (
            unwrap(function.child_by_field_name("object")),
            function.child_by_field_name("property"),
        )
        if holder.type != "identifier" or module.text(holder) != name or prop is None:
            continue
        verb = module.text(prop)
        arguments = call_arguments(call)
        if verb not in _VERBS or len(arguments) < 2:
            continue
        path = string_value(arguments[0])
        if path is None:
            continue
        routes.append(
            Route(prefix.rstrip("/") + path if prefix else path, _VERBS[verb], module.location(call))
        )
    return routes


def _prefix(module: JsModule, made: Node) -> str | None:
    """`new Router()` -> ""; `new Router({ prefix: "/api" })` -> "/api"; None when unknown."""
    arguments = call_arguments(made)
    if not arguments:
        return ""
    options = unwrap(arguments[0])
    if options.type != "object":
        return None
    for entry in options.named_children:
        key = entry.child_by_field_name("key") if entry.type == "pair" else None
        if key is not None and module.text(key).strip("'\"") == "prefix":
            value = entry.child_by_field_name("value")
            return string_value(value) if value is not None else None
    return ""


# -- setup functions called after the one that registers the middleware ---------------------


def _later_setups(module: JsModule) -> list[Route] | None:
    """`setupMiddleware(app); setupRoutes(app);` in the one module that calls `module`'s
    exported setup: the routes the setups called after it (and the caller itself) mount on
    that app."""
    calls = _default_export_calls(module)
    if calls is None:
        return None
    if len(calls) != 1:
        return None
    caller, call = calls[0]
    arguments = call_arguments(call)
    if len(arguments) != 1 or unwrap(arguments[0]).type != "identifier":
        return None
    app = caller.text(unwrap(arguments[0]))
    scope = enclosing_function(call)
    routes = _mounted(caller, app, scope, call) or []
    for later in caller.of_kind("call_expression"):
        if later.start_byte <= call.start_byte or enclosing_function(later) != scope:
            continue
        function = unwrap(later.child_by_field_name("function"))
        later_arguments = call_arguments(later)
        if (
            function.type != "identifier"
            or len(later_arguments) != 1
            or caller.text(unwrap(later_arguments[0])) != app
        ):
            continue
        imported = caller.imports.get(caller.text(function))
        if imported is None or not imported[0].startswith(".") or caller.project is None:
            continue
        target = caller.project.resolve_specifier(caller, imported[0])
        if target is None or target.suffix.lower() in _DATA_SUFFIXES:
            continue
        setup_module = caller.project.load(target, caller.project.display(caller, target))
        setup = exported_function(setup_module) if setup_module is not None else None
        if setup_module is None or setup is None:
            continue
        parameter = first_parameter(setup_module, setup)
        if parameter is None:
            continue
        found = _mounted(setup_module, parameter, setup, None)
        if found is None:
            return None
        routes += found
    return routes
