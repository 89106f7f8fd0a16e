"""Odoo controllers opening a route with `@http.route('/api/x', type='json', auth='public',
cors='*')`, Odoo's only CORS switch (seen in Odoo's own web/controllers/webclient.py and in
countless add-on modules: code-corpus 36717915670, 4798825719, 33217740205, 29650203024).

What Odoo sends, read from its source (odoo/http.py `Dispatcher.pre_dispatch`, the same in
15.0 to 18.0; Odoo needs PostgreSQL to run, so it is not run here): on every request to
the route, `Access-Control-Allow-Origin` is the option's text as written (no echo, no
Vary, no credentials) and `Access-Control-Allow-Methods` is `POST` for a JSON-RPC route
(`type='json'` / `'jsonrpc'`), else the route's `methods` joined with ", " (`GET, POST`
when none are given; a misspelt `method=` is ignored); an OPTIONS request is answered at
once, 204, with Allow-Headers `Origin, X-Requested-With, Content-Type, Accept,
Authorization` and Max-Age 86400. That Max-Age is Odoo's constant, not the author's
choice, and is left out of the model (no rule judges a framework's own default)."""

from __future__ import annotations

import ast

from corslint.extractors.context import ProjectContext
from corslint.extractors.python import PythonModule, is_development_path
from corslint.model import CorsPolicy, Extraction, Location, Route, Value

FRAMEWORK = "odoo_headers"
_ROUTE = "odoo.http.route"
_JSON_TYPES = frozenset({"json", "jsonrpc"})
_PREFLIGHT_HEADERS = "Origin, X-Requested-With, Content-Type, Accept, Authorization"


def extract(path: str, text: str, context: ProjectContext) -> Extraction:
    module = context.python.parse(path, text)
    policies = []
    for node in ast.walk(module.tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for decorator in node.decorator_list:
                policy = _route_policy(module, node, decorator)
                if policy is not None:
                    policies.append(policy)
    return Extraction(policies=tuple(policies))


def _route_policy(module: PythonModule, view: ast.AST, decorator: ast.expr) -> CorsPolicy | None:
    if not (isinstance(decorator, ast.Call) and module.qualified_name(decorator.func) == _ROUTE):
        return None
    options = {k.arg: k.value for k in decorator.keywords if k.arg is not None}
    if "cors" not in options:
        return None
    cors = module.resolve(options["cors"])
    if cors.known and not cors.raw:
        return None  # `cors=None` / `cors=""`: Odoo's `if cors:` sends nothing
    place = module.location(options["cors"])
    methods = _methods(module, options.get("methods"), options.get("type"), place)
    steps: dict[str, Value] = {
        # an OPTIONS request never reaches the controller: `abort(Response(status=204))`
        "answer": _step({"status": Value(204, place)}, ("OPTIONS",), place),
        "Access-Control-Allow-Origin": _step(_header(cors, place), (), place),
        "Access-Control-Allow-Methods": _step(_header(methods, place), (), place),
        "Access-Control-Allow-Headers": _step(
            _header(Value(_PREFLIGHT_HEADERS, place), place), ("OPTIONS",), place
        ),
        "options_status": Value(204, place),
    }
    paths = _paths(module, decorator)
    verbs = _verbs(methods)
    routes = tuple(Route(p, verbs, place) for p in paths) if paths and verbs else None
    probe = next((p for p in paths if "<" not in p), "/")
    return CorsPolicy(
        framework=FRAMEWORK,
        location=place,
        options=steps,
        routes=routes,
        development_only=is_development_path(module.path),
        label=f"Odoo route `cors` ({', '.join(paths) or 'route'})",
        probe_path=probe,
    )


def _methods(
    module: PythonModule, node: ast.expr | None, kind_node: ast.expr | None, place: Location
) -> Value:
    kind = module.resolve(kind_node) if kind_node is not None else Value("http", place)
    if not kind.known:
        return module.unknown(kind_node) if kind_node is not None else kind
    if kind.raw in _JSON_TYPES:
        return Value("POST", place)
    if node is None:
        return Value("GET, POST", place)
    listed = module.resolve(node)
    items = listed.raw if listed.known and isinstance(listed.raw, tuple) else None
    if items is None or not all(i.known and isinstance(i.raw, str) for i in items):
        return module.unknown(node)
    return Value(", ".join(str(i.raw) for i in items) or "GET, POST", module.location(node))


def _verbs(methods: Value) -> tuple[str, ...]:
    if not (methods.known and isinstance(methods.raw, str)):
        return ()
    return tuple(part.strip().upper() for part in methods.raw.split(",") if part.strip())


def _paths(module: PythonModule, decorator: ast.Call) -> list[str]:
    given = decorator.args[0] if decorator.args else None
    given = next((k.value for k in decorator.keywords if k.arg == "route"), given)
    if given is None:
        return []
    value = module.resolve(given)
    items = value.raw if value.known and isinstance(value.raw, tuple) else (value,)
    return [str(i.raw) for i in items if i.known and isinstance(i.raw, str)]


def _header(value: Value, place: Location) -> dict[str, Value]:
    return {"writer": Value("set", place), "value": value}


def _step(parts: dict[str, Value], when: tuple[str, ...], place: Location) -> Value:
    return Value({**parts, "when": Value(tuple(Value(w, place) for w in when), place)}, place)
