"""AWS Chalice route CORS, read with `ast`: `CORSConfig(...)`, `cors=True` on a route,
`app.api.cors = True | CORSConfig(...)` (the default of routes that pass no `cors`).

Chalice loads a configuration only through a route: `@app.route(path, cors=...)` on a
`Chalice` app or a `Blueprint`, or through `app.api.cors` for the routes that leave `cors`
out (or pass `None`). So:

- a `CORSConfig(...)` call is a policy in the module that holds it (its options are
  reported there) when a route or `api.cors` uses it, in that module or in another module
  of the project that names it (`cors=cors_config` after `from chalicelib.config import
  cors_config`, or a Blueprint subclass's `self.route(path, cors=cors)`); a configuration
  nothing uses is not one;
- `cors=True` (and `api.cors = True`) is a policy of its own at the `True`: the defaults;
- `cors=<a value not known here>` is a policy whose options are unknown (CORS305), unless
  it names a `CORSConfig` defined elsewhere, which that module reports;
- anything else Chalice cannot use (`app.api.cors = {"allow_origins": [...]}`): every route
  taking it fails (frameworks/chalice.py's library check).

Seen in winrar-rar/starcloud app.py, gurugyaan/MontyGram chalicelib/common/cors_support.py
with chalicelib/apis/images_api.py (a Blueprint), davidromero/edent_backend
appointments/chalicelib/config.py with appointments/app.py, `app.api.cors = True` /
`= CORSConfig(...)` in many single-file apps (apfromiit/chalice-demo), and an
`app.api.cors = {...}` dict. Each policy is a layer of its own: Chalice gives a route
exactly one configuration. (A first version of this module by PYX5 read the routes'
decorators alone; this one keeps that and adds the cases above.)
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from corslint.extractors.context import ProjectContext
from corslint.extractors.python import PythonModule, is_development_path
from corslint.extractors.python.call_options import arms, read_arguments, unknown_options
from corslint.extractors.python.project_files import texts_holding
from corslint.model import CorsPolicy, Evidence, Extraction, Provenance, Route, Value

APPS = frozenset({"chalice.Chalice", "chalice.app.Chalice", "chalice.Blueprint", "chalice.app.Blueprint"})
CONFIGS = frozenset({"chalice.CORSConfig", "chalice.app.CORSConfig"})
# CORSConfig.__init__'s parameters in order, for positional arguments
PARAMETERS = ("allow_origin", "allow_headers", "expose_headers", "max_age", "allow_credentials")
ANY_ROUTE_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
MAX_HOPS = 4


@dataclass(frozen=True)
class _Use:
    """One route (or `api.cors`) and the expression it passes as its CORS configuration."""

    expression: ast.expr  # what `cors=` (or `api.cors =`) is set to
    route: Route | None  # None: `api.cors`, the default of the routes without `cors`
    app: str  # the app's (or blueprint's) name in this module


def extract(path: str, text: str, context: ProjectContext) -> Extraction:
    module = context.python.parse(path, text)
    uses, defaults = _uses(module)
    groups: dict[tuple[int, int], list[_Use]] = {}
    policies: list[CorsPolicy] = []
    for use in uses:
        found = _definition(module, use.expression)
        if found is not None and _is_config(*found):
            if found[0] is module:
                groups.setdefault((found[1].lineno, found[1].col_offset), []).append(use)
            continue  # defined in another module: that module reports it
        value = found[1] if found is not None else use.expression
        if isinstance(value, ast.Constant) and value.value in (False, None):
            continue  # False: no CORS; None on a route: `api.cors` (see `_uses`)
        routes = _routes_of(use, defaults)
        route_level = use.route is not None
        if isinstance(value, ast.Constant) and value.value is True:
            policies.append(_policy(module, use.expression, {}, (), routes, route_level))
            continue
        where = module.location(use.expression)
        if isinstance(value, (ast.Dict, ast.List, ast.Tuple, ast.Set, ast.Constant)):
            # a value Chalice cannot use: it calls get_access_control_headers() on it
            kind = Value(type(value).__name__.lower(), where, description=module.source(use.expression))
            policies.append(
                _policy(module, use.expression, {"not_a_cors_config": kind}, (), routes, route_level)
            )
            continue
        unknown = Value(None, where, Provenance.UNKNOWN, description=module.source(use.expression))
        policies.append(_policy(module, use.expression, {"**": unknown}, (), routes, route_level))
    for call in module.calls:
        if (module.qualified_name(call.func) or "") not in CONFIGS:
            continue
        used = groups.get((call.lineno, call.col_offset))
        if used is None and not _used_elsewhere(module, call, context):
            continue
        options = read_arguments(module, call, PARAMETERS)
        evidence = tuple(unknown_options(options, PARAMETERS, "CORSConfig()"))
        config_routes: tuple[Route, ...] | None = None
        route_level = False
        if used:
            route_level = all(use.route is not None for use in used)
            each = [_routes_of(use, defaults) for use in used]
            if all(routes is not None for routes in each):
                config_routes = tuple(route for routes in each for route in routes or ())
        policies.append(_policy(module, call, options, evidence, config_routes, route_level))
    return Extraction(policies=tuple(policies))


def _policy(
    module: PythonModule,
    node: ast.expr,
    options: dict[str, Value],
    evidence: tuple[Evidence, ...],
    routes: tuple[Route, ...] | None,
    route_level: bool,
) -> CorsPolicy:
    location = module.location(node)
    paths = tuple(dict.fromkeys(route.path for route in routes or ()))
    return CorsPolicy(
        framework="chalice",
        location=location,
        options=options,
        routes=routes,
        evidence=evidence,
        development_only=is_development_path(module.path),
        scope=", ".join(paths) if route_level else "",
        probe_path=paths[0] if paths else "/",
        app=f"{module.path}::chalice@{location.line}:{location.column}",
        route_level=route_level,
        branch=arms(module, node),
    )


def _routes_of(use: _Use, defaults: dict[str, list[Route]]) -> tuple[Route, ...] | None:
    """The routes a use configures: its own, or for `api.cors` those that inherit it here
    (None where none is known here: they are in blueprints registered elsewhere)."""
    if use.route is not None:
        return (use.route,)
    return tuple(defaults.get(use.app, ())) or None


def _uses(module: PythonModule) -> tuple[list[_Use], dict[str, list[Route]]]:
    """Every route decorator's `cors=` and every `<app>.api.cors = ...`, in source order,
    with the routes of each app that leave `cors` out (they take `api.cors`)."""
    uses: list[_Use] = []
    defaults: dict[str, list[Route]] = {}
    apps: dict[str, bool] = {}
    for node in module.nodes:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if (
                isinstance(target, ast.Attribute)
                and target.attr == "cors"
                and isinstance(target.value, ast.Attribute)
                and target.value.attr == "api"
                and isinstance(target.value.value, ast.Name)
                and _is_app(module, target.value.value, apps)
            ):
                uses.append(_Use(node.value, None, target.value.value.id))
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for decorator in node.decorator_list:
            if not (
                isinstance(decorator, ast.Call)
                and isinstance(decorator.func, ast.Attribute)
                and decorator.func.attr == "route"
                and isinstance(decorator.func.value, ast.Name)
                and _is_app(module, decorator.func.value, apps)
            ):
                continue
            route = _route(module, decorator)
            cors = next((k.value for k in decorator.keywords if k.arg == "cors"), None)
            if cors is None or (isinstance(cors, ast.Constant) and cors.value is None):
                defaults.setdefault(decorator.func.value.id, []).append(route)
            else:
                uses.append(_Use(cors, route, decorator.func.value.id))
    uses.sort(key=lambda use: (use.expression.lineno, use.expression.col_offset))
    return uses, defaults


def _route(module: PythonModule, decorator: ast.Call) -> Route:
    path = "/"
    if decorator.args:
        written = module.resolve(decorator.args[0])
        if written.known and isinstance(written.raw, str):
            path = written.raw
    methods: tuple[str, ...] = ("GET",)
    listed = next((k.value for k in decorator.keywords if k.arg == "methods"), None)
    if listed is not None:
        value = module.resolve(listed)
        items = value.entries if value.known else ()
        names = tuple(str(item.raw).upper() for item in items if item.known and isinstance(item.raw, str))
        methods = names if value.known and items and len(names) == len(items) else ANY_ROUTE_METHODS
    return Route(path, methods, module.location(decorator))


def _is_app(module: PythonModule, name: ast.Name, apps: dict[str, bool]) -> bool:
    """Whether `name` is a Chalice app or Blueprint, here or imported from the project."""
    if name.id not in apps:
        found = _definition(module, name)
        apps[name.id] = (
            found is not None
            and isinstance(found[1], ast.Call)
            and (found[0].qualified_name(found[1].func) or "") in APPS
        )
    return apps[name.id]


def _is_config(owner: PythonModule, node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and (owner.qualified_name(node.func) or "") in CONFIGS


def _definition(module: PythonModule, node: ast.expr, hops: int = 0) -> tuple[PythonModule, ast.expr] | None:
    """The expression a name (or `module.NAME`) stands for, followed through the project's
    imports; any other expression stands for itself."""
    if hops > MAX_HOPS:
        return None
    if isinstance(node, ast.Name):
        found = module.find_binding(node.id)
        if found is not None:
            owner, expression = found
            if isinstance(expression, (ast.Name, ast.Attribute)):
                return _definition(owner, expression, hops + 1)
            return found
        qualified = module.imports.get(node.id) or module.nested_imports.get(node.id)
    elif isinstance(node, ast.Attribute):
        qualified = module.qualified_name(node)
    else:
        return module, node
    if not qualified or module.project is None:
        return None
    target = module.project.lookup(module, qualified)
    if target is None or target[0] is module:
        return None
    return _definition(target[0], ast.Name(target[1]), hops + 1)


def _used_elsewhere(module: PythonModule, call: ast.Call, context: ProjectContext) -> bool:
    """Whether another module of the project passes this module-level configuration as
    `cors=` by its name (or the project is too large to tell)."""
    name = next(
        (
            target.id
            for bound in module.assignments.values()
            for target, value in bound
            if value is call and isinstance(target, ast.Name)
        ),
        None,
    )
    if name is None:
        return False
    texts = texts_holding(module.path, b"cors", context.shared)
    if texts is None:
        return True
    use = re.compile(rf"\bcors\s*=\s*(?:[\w.]+\.)?{re.escape(name)}\b")
    return any(use.search(text) for text in texts if text != module.text)
