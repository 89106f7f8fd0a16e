"""Sanic Extensions' per-route CORS: `@cors(origin="*")` from `sanic_ext` under a route
decorator (`@bp.get("/v1/queries/get")`).

Seen in 6 of 10 `from sanic_ext import cors` hits (blueprint modules of Sanic APIs: a resource
proxy's `@controller_bp.route("/res", methods=["GET"])`, a lunch-menu API's providers route,
a RAG query endpoint). What sanic-ext 25.12.0 does (extensions/http/cors.py,
tests/test_differential_sanic_ext_app_config.py): the decorator stores its keywords on the
handler, and the extension's response hook reads each one in place of the app's setting of
the same name (`_get_from_cors_ctx`): `origin` is `CORS_ORIGINS` (parsed alike, also the
answer to a request without Origin), `expose_headers`, `allow_headers`, `allow_methods`,
`supports_credentials` and `max_age` the matching `CORS_*` keys. What it does not set is the
app's; the app's own keys are not read here (they are usually in another module), so the
policy holds the decorator's options over the library's defaults. Any other keyword raises
TypeError when the module is imported."""

from __future__ import annotations

import ast

from corslint.extractors.python.call_options import keyword_locations, read_arguments, unknown_options
from corslint.extractors.python.module import PythonModule
from corslint.model import CorsPolicy, Route, Value

DECORATORS = frozenset({"sanic_ext.cors", "sanic_ext.extensions.http.cors.cors"})
KEYS = {
    "origin": "CORS_ORIGINS",
    "expose_headers": "CORS_EXPOSE_HEADERS",
    "allow_headers": "CORS_ALLOW_HEADERS",
    "allow_methods": "CORS_METHODS",
    "supports_credentials": "CORS_SUPPORTS_CREDENTIALS",
    "max_age": "CORS_MAX_AGE",
}
_ROUTE_METHODS = {"get": "GET", "post": "POST", "put": "PUT", "patch": "PATCH", "delete": "DELETE"}


def route_policies(module: PythonModule, development_only: bool) -> list[CorsPolicy]:
    policies: list[CorsPolicy] = []
    for node in ast.walk(module.tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for decorator in node.decorator_list:
            if (
                not isinstance(decorator, ast.Call)
                or (module.qualified_name(decorator.func) or "") not in DECORATORS
            ):
                continue
            arguments = read_arguments(module, decorator, ())
            if "**" in arguments or "*" in arguments:
                continue  # `@cors(**options)`: which keywords it passes is not read
            unknown = tuple(
                unknown_options(arguments, KEYS, "sanic_ext.cors()", keyword_locations(module, decorator))
            )
            options: dict[str, Value] = {
                KEYS[name]: value for name, value in arguments.items() if name in KEYS
            }
            location = module.location(decorator)
            policies.append(
                CorsPolicy(
                    framework="sanic_ext",
                    location=location,
                    options=options,
                    routes=_routes(module, node),
                    evidence=unknown,
                    development_only=development_only,
                    label=f"{node.name}()",
                    route_level=True,
                    app=f"{module.real_path()}:{location.line}:{location.column}",
                )
            )
    return policies


def _routes(
    module: PythonModule, function: ast.FunctionDef | ast.AsyncFunctionDef
) -> tuple[Route, ...] | None:
    """The route the handler is registered on by its own decorator (`@bp.get("/x")`,
    `@app.route("/x", methods=["GET", "POST"])`); None when that cannot be told."""
    for decorator in function.decorator_list:
        if not (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)):
            continue
        verb = decorator.func.attr
        path = module.resolve(decorator.args[0]) if decorator.args else None
        if path is None or not (path.known and isinstance(path.raw, str)):
            continue
        where = module.location(decorator)
        if verb in _ROUTE_METHODS:
            return (Route(path.raw, (_ROUTE_METHODS[verb],), where),)
        if verb == "route":
            given = next((k.value for k in decorator.keywords if k.arg == "methods"), None)
            if given is None:
                return (Route(path.raw, ("GET",), where),)  # Sanic's default
            methods = module.resolve(given)
            if methods.known and isinstance(methods.raw, tuple):
                names = tuple(str(item.raw).upper() for item in methods.raw if item.known)
                if len(names) == len(methods.raw):
                    return (Route(path.raw, names, where),)
    return None
