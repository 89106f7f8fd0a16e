"""hapi's built-in CORS: the ``cors`` route option, set for every route of a server by
``Hapi.server({ routes: { cors } })`` (``new Hapi.Server(...)`` too), or for one route by
``server.route({ method, path, options: { cors } })`` (``config`` in hapi before 17), which
hapi merges over the server's. ``cors: true`` is hapi's defaults; ``false`` none."""

from __future__ import annotations

from collections.abc import Iterator

from corslint.extractors.express.branches import arms_around, development_guarded
from corslint.extractors.express.koa_cors import koa_cors_names
from corslint.extractors.express.options import OptionNames, sorted_options
from corslint.extractors.js.method_calls import call_arguments
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.project_files import is_development_path
from corslint.extractors.js.syntax import Node, unwrap
from corslint.frameworks.hapi_cors import OPTION_NAMES
from corslint.model import CorsPolicy, Evidence, Location, Route, Value

PACKAGES = ("@hapi/hapi", "hapi")
_SERVER_FACTORIES = frozenset({"server", "Server"})
_CLOSE_NAMES = {
    "origins": "origin",
    "allowedOrigins": "origin",
    "allowOrigin": "origin",
    "allowCredentials": "credentials",
    "credential": "credentials",
    "allowedHeaders": "headers",
    "allowHeaders": "headers",
    "exposeHeaders": "exposedHeaders",
    "exposedHeader": "exposedHeaders",
    "maxage": "maxAge",
    "max_age": "maxAge",
    "methods": "headers",
}
_NAMES = OptionNames(OPTION_NAMES, _CLOSE_NAMES, "hapi's `cors` route option", "hapi's default")


def _server_call(module: JsModule, names: set[str], node: Node) -> bool:
    """`Hapi.server(...)`, `new Hapi.Server(...)`, `server(...)` imported from hapi."""
    callee = node.child_by_field_name("function") or node.child_by_field_name("constructor")
    if callee is None:
        return False
    text = module.text(unwrap(callee)).replace(" ", "")
    if text in names:
        return module.imports[text][1] in _SERVER_FACTORIES
    root, _, member = text.rpartition(".")
    return member in _SERVER_FACTORIES and root in names


def _property(value: Value | None, key: str) -> Value | None:
    if value is None or not value.known or not isinstance(value.raw, dict):
        return None
    item = value.raw.get(key)
    return item if isinstance(item, Value) else None


def _options(
    module: JsModule, cors: Value, use: Location, base: dict[str, Value] | None = None
) -> tuple[dict[str, Value], list[Evidence]] | None:
    """The options of a `cors` setting (`true`: the defaults, or the server's under a
    route); None where it turns CORS off."""
    if not cors.known:
        return {"**": cors}, []
    if cors.raw is True:
        return dict(base or {}), []
    if not isinstance(cors.raw, dict):
        return None
    options, evidence = sorted_options(module, cors.raw, use, _NAMES)
    return {**(base or {}), **options}, evidence


def hapi_cors_policies(module: JsModule, bearer: tuple[Evidence, ...]) -> list[CorsPolicy]:
    names: set[str] = set()
    for package in PACKAGES:
        names |= koa_cors_names(module, package)
    names |= {
        local
        for local, (specifier, exported) in module.imports.items()
        if specifier in PACKAGES and exported in _SERVER_FACTORIES
    }
    if not names:
        return []
    policies: list[CorsPolicy] = []
    server_options: dict[str, Value] | None = None
    for node in module.of_kind("call_expression", "new_expression"):
        if not _server_call(module, names, node):
            continue
        arguments = call_arguments(node)
        settings = module.resolve(arguments[0]) if arguments else None
        cors = _property(_property(settings, "routes"), "cors")
        if cors is None:
            continue
        found = _options(module, cors, module.location(node))
        if found is None:
            continue
        server_options = found[0]
        policies.append(_policy(module, node, found, bearer, where=_switch(cors)))
    for call, route, cors, path, methods in _routes(module):
        found = _options(module, cors, module.location(route), server_options)
        if found is not None:
            where = _switch(cors) or module.location(route)
            policies.append(_policy(module, call, found, bearer, path, methods, where))
    return policies


def _switch(cors: Value) -> Location | None:
    """`cors: true`: findings about hapi's defaults point at it."""
    return cors.location if cors.known and cors.raw is True else None


def _routes(module: JsModule) -> Iterator[tuple[Node, Node, Value, str, tuple[str, ...]]]:
    """`server.route({ method, path, options: { cors } })` (an array of routes too)."""
    for call in module.of_kind("call_expression"):
        function = unwrap(call.child_by_field_name("function"))
        if function is None or function.type != "member_expression":
            continue
        if module.text(function.child_by_field_name("property")) != "route":
            continue
        for argument in call_arguments(call):
            argument = unwrap(argument)
            items = argument.named_children if argument.type == "array" else [argument]
            for item in items:
                if unwrap(item).type != "object":
                    continue
                route = module.resolve(item)
                cors = _property(_property(route, "options") or _property(route, "config") or route, "cors")
                path = _property(route, "path")
                method = _property(route, "method")
                if cors is None or path is None or not (path.known and isinstance(path.raw, str)):
                    continue
                methods = _methods(method)
                yield call, unwrap(item), cors, path.raw, methods


def _methods(method: Value | None) -> tuple[str, ...]:
    if method is None or not method.known:
        return ()
    raw = method.raw if isinstance(method.raw, tuple) else (method,)
    return tuple(
        str(item.raw).upper() for item in raw if isinstance(item, Value) and isinstance(item.raw, str)
    )


def _policy(
    module: JsModule,
    node: Node,
    found: tuple[dict[str, Value], list[Evidence]],
    bearer: tuple[Evidence, ...],
    path: str = "",
    methods: tuple[str, ...] = (),
    where: Location | None = None,
) -> CorsPolicy:
    options, evidence = found
    location = where or module.location(node)
    return CorsPolicy(
        framework="hapi_cors",
        location=location,
        options=options,
        routes=(Route(path, methods, location),) if path and methods and "*" not in methods else (),
        evidence=(*evidence, *bearer),
        development_only=is_development_path(module.path) or development_guarded(module, node),
        label="hapi cors",
        scope=path if path not in {"", "/{p*}", "/{any*}"} else "",
        probe_path=path.split("{", 1)[0] or "/" if path else "/",
        branch=arms_around(node),
        route_level=bool(path),
    )
