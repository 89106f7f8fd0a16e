"""Powertools for AWS Lambda (Python): `CORSConfig(...)` passed to an event handler resolver
(`APIGatewayRestResolver(cors=...)`, `APIGatewayHttpResolver`, `ALBResolver`,
`LambdaFunctionUrlResolver`, ... or a project subclass of one), read with `ast`.

The resolver applies the configuration it is given, so a `CORSConfig(...)` call is a
policy in the module that holds it (its options are reported there) when something passes
it as `cors=`: inline, by the name it is bound to, in this module or in another module of
the project (`cors=cors_config` after `from commons.cors import cors_config`). A
configuration nothing passes is not one. The routes of a resolver built in the same module
(`@app.get(...)`, `@app.route(rule, method=[...])`) give the methods its preflights list.

Seen in jviloria96744/photo-maps-app (lambdas/app_server/app.py: `CORSConfig(allow_origin="*")`),
yokharian/event-driven-chat-service (commons/cors.py: `*` with `allow_credentials=True`,
passed from other modules), and apps reading `allow_origin` from the environment or from a
project config module (`src/common/configs.py`).
"""

from __future__ import annotations

import ast
import re

from corslint.extractors.context import ProjectContext
from corslint.extractors.python import PythonModule, is_development_path
from corslint.extractors.python.call_options import arms, read_arguments, unknown_options
from corslint.extractors.python.project_files import texts_holding
from corslint.model import CorsPolicy, Extraction, Route

CONFIGS = frozenset(
    {
        "aws_lambda_powertools.event_handler.CORSConfig",
        "aws_lambda_powertools.event_handler.api_gateway.CORSConfig",
    }
)
# CORSConfig.__init__'s parameters in order, for positional arguments
PARAMETERS = (
    "allow_origin",
    "extra_origins",
    "allow_headers",
    "expose_headers",
    "max_age",
    "allow_credentials",
)
ROUTE_METHODS = {
    "get": "GET",
    "post": "POST",
    "put": "PUT",
    "delete": "DELETE",
    "patch": "PATCH",
    "head": "HEAD",
}


def extract(path: str, text: str, context: ProjectContext) -> Extraction:
    module = context.python.parse(path, text)
    policies: list[CorsPolicy] = []
    for call in module.calls:
        if (module.qualified_name(call.func) or "") not in CONFIGS:
            continue
        name = _bound_name(module, call)
        resolvers = _resolvers_given(module, call, name)
        if not resolvers and not (name is not None and _passed_elsewhere(module, name, context)):
            continue
        options = read_arguments(module, call, PARAMETERS)
        location = module.location(call)
        policies.append(
            CorsPolicy(
                framework="powertools_cors",
                location=location,
                options=options,
                routes=_routes(module, resolvers),
                evidence=tuple(unknown_options(options, PARAMETERS, "CORSConfig()")),
                development_only=is_development_path(path),
                app=f"{path}::powertools@{location.line}:{location.column}",
                branch=arms(module, call),
            )
        )
    return Extraction(policies=tuple(policies))


def _contains(outer: ast.AST, inner: ast.AST) -> bool:
    return any(node is inner for node in ast.walk(outer))


def _bound_name(module: PythonModule, call: ast.Call) -> str | None:
    """The name whose value holds the call (`cors = CORSConfig(...)`, or `cors =
    CORSConfig(...) if LOCAL else None`), at module level or in a function."""
    for statement in module.nodes:
        if isinstance(statement, (ast.Assign, ast.AnnAssign)) and statement.value is not None:
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            if len(targets) == 1 and isinstance(targets[0], ast.Name) and _contains(statement.value, call):
                return targets[0].id
    return None


def _resolvers_given(module: PythonModule, call: ast.Call, name: str | None) -> list[ast.Call]:
    """The calls in this module given the configuration as `cors=`, inline or by name."""
    found: list[ast.Call] = []
    for other in module.calls:
        for keyword in other.keywords:
            if keyword.arg != "cors":
                continue
            value = keyword.value
            if _contains(value, call) or (
                name is not None and any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(value))
            ):
                found.append(other)
    return found


def _routes(module: PythonModule, resolvers: list[ast.Call]) -> tuple[Route, ...] | None:
    """The routes of the resolvers built here and bound to a name (None: not known here)."""
    names = {
        target.id
        for statement in module.tree.body
        if isinstance(statement, ast.Assign) and any(statement.value is r for r in resolvers)
        for target in statement.targets
        if isinstance(target, ast.Name)
    }
    if not names:
        return None
    routes: list[Route] = []
    for node in module.nodes:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for decorator in node.decorator_list:
            route = _route(module, decorator, names)
            if route is not None:
                routes.append(route)
    # routers included from other modules add routes not seen here
    included = any(
        isinstance(c.func, ast.Attribute)
        and c.func.attr == "include_router"
        and isinstance(c.func.value, ast.Name)
        and c.func.value.id in names
        for c in module.calls
    )
    return None if included else tuple(routes)


def _route(module: PythonModule, decorator: ast.expr, apps: set[str]) -> Route | None:
    if not (
        isinstance(decorator, ast.Call)
        and isinstance(decorator.func, ast.Attribute)
        and isinstance(decorator.func.value, ast.Name)
        and decorator.func.value.id in apps
    ):
        return None
    cors = next((k.value for k in decorator.keywords if k.arg == "cors"), None)
    if isinstance(cors, ast.Constant) and cors.value is False:
        return None  # no CORS on this route: its methods are not listed
    verb = decorator.func.attr
    rule = decorator.args[0] if decorator.args else None
    path = rule.value if isinstance(rule, ast.Constant) and isinstance(rule.value, str) else "/"
    if verb in ROUTE_METHODS:
        return Route(path, (ROUTE_METHODS[verb],), module.location(decorator))
    if verb != "route":
        return None
    written = next((k.value for k in decorator.keywords if k.arg == "method"), None)
    if written is None and len(decorator.args) > 1:
        written = decorator.args[1]
    if written is None:
        return None
    value = module.resolve(written)
    items = value.entries if value.known else ()
    methods = tuple(str(item.raw).upper() for item in items if item.known and isinstance(item.raw, str))
    if not value.known or len(methods) != len(items):
        methods = ANY_ROUTE_METHODS
    return Route(path, methods, module.location(decorator))


ANY_ROUTE_METHODS = tuple(ROUTE_METHODS.values())


def _passed_elsewhere(module: PythonModule, name: str, context: ProjectContext) -> bool:
    """Whether another module of the project passes the configuration named `name` as
    `cors=` (or the project is too large to tell)."""
    texts = texts_holding(module.path, b"cors", context.shared)
    if texts is None:
        return True
    use = re.compile(rf"\bcors\s*=\s*(?:[\w.]+\.)?{re.escape(name)}\b")
    return any(use.search(text) for text in texts if text != module.text)
