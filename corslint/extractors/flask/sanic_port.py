"""Sanic-CORS, Flask-CORS's port to Sanic: its calls are read as Flask-CORS's (imports.py),
and the policies of a module that takes them from `sanic_cors` are the port's."""

from __future__ import annotations

import ast
from dataclasses import replace

from corslint.extractors.flask.app_config import config_receiver
from corslint.extractors.flask.collected import ConfigWrite, Site
from corslint.extractors.flask.config_sources import Loaded
from corslint.extractors.flask.imports import SANIC_PORT
from corslint.extractors.flask.project_scan import project_modules
from corslint.extractors.python import PythonModule
from corslint.model import CorsPolicy, Diagnostic, Route

FRAMEWORK = "sanic_cors"
# `Extend(app, extensions=[CORS], config={"CORS_OPTIONS": ...})`: Sanic-Ext starts the
# extension itself, with options from its config, which corslint does not read (the
# wording of unmodelled.libraries.message, which CORS003's summary count reads back)
_EXTENSION_LOADED = (
    "corslint does not model Sanic-CORS started by Sanic-Ext (`extensions=[CORS]`) yet: "
    "the CORS configuration here was not checked"
)


def imports_port(module: PythonModule) -> bool:
    """Whether the module imports Sanic-CORS anywhere (app factories import it in a function)."""
    if SANIC_PORT not in module.text:
        return False
    for node in ast.walk(module.tree):
        if isinstance(node, ast.ImportFrom) and not node.level and node.module:
            if node.module == SANIC_PORT or node.module.startswith(f"{SANIC_PORT}."):
                return True
        elif isinstance(node, ast.Import) and any(
            alias.name.partition(".")[0] == SANIC_PORT for alias in node.names
        ):
            return True
    return False


def attribute_write(
    module: PythonModule, target: ast.Attribute, value: ast.expr, here: Site
) -> ConfigWrite | None:
    """`app.config.CORS_ORIGINS = ...`: Sanic's config is a dict that also takes attribute
    writes, and Sanic-CORS reads the keys they set (on Flask it is no config key)."""
    receiver = config_receiver(target.value)
    if receiver is None or not target.attr.startswith("CORS_") or not imports_port(module):
        return None
    values = {target.attr: module.resolve(value)}
    return ConfigWrite(receiver, here, Loaded(tuple(values), values.get), module.location(target))


def relabelled(module: PythonModule, policies: list[CorsPolicy]) -> list[CorsPolicy]:
    if not policies or not imports_port(module):
        return policies
    extension = any(not policy.route_level for policy in policies) or (
        any(policy.route_level for policy in policies) and _extension_elsewhere(module)
    )
    return [_port_policy(policy, extension) for policy in policies]


def _extension_elsewhere(module: PythonModule) -> bool:
    """Whether another module of the project calls the port's `CORS(...)` (on the app the
    views belong to, or not: unsure, the preflight is not taken to fail)."""
    return any(
        isinstance(node, ast.Call) and other.qualified_name(node.func) == f"{SANIC_PORT}.CORS"
        for other in project_modules(module, SANIC_PORT)
        for node in ast.walk(other.tree)
    )


def _port_policy(policy: CorsPolicy, extension: bool) -> CorsPolicy:
    """Sanic answers OPTIONS on a route that does not list it with 405, which the model
    gives a `@cross_origin` view; beside a `CORS(app)` extension, the extension's error
    handler answers that preflight instead (200, with CORS headers): the route takes it."""
    routes = policy.routes
    if extension and policy.route_level and routes:
        routes = tuple(
            route
            if "OPTIONS" in route.methods
            else Route(route.path, (*route.methods, "OPTIONS"), route.location)
            for route in routes
        )
    return replace(policy, framework=FRAMEWORK, routes=routes)


def unread_port_uses(module: PythonModule) -> tuple[Diagnostic, ...]:
    """The port's `CORS` class handed over rather than called (to Sanic-Ext's `Extend`):
    its configuration is not read, and saying nothing would pass it as checked."""
    if not imports_port(module):
        return ()
    called = {id(node.func) for node in ast.walk(module.tree) if isinstance(node, ast.Call)}
    typed = _annotation_names(module.tree)
    for node in ast.walk(module.tree):
        if (
            isinstance(node, ast.Name)
            and isinstance(node.ctx, ast.Load)
            and id(node) not in called
            and id(node) not in typed
            and module.qualified_name(node) == f"{SANIC_PORT}.CORS"
        ):
            return (Diagnostic("CORS003", _EXTENSION_LOADED, module.location(node)),)
    return ()


def _annotation_names(tree: ast.Module) -> set[int]:
    """The names inside type annotations: `cors: CORS = None`, a placeholder the app factory
    later fills with `CORS(app, ...)` (census 7 C5: phamhongphuc1999/sanic-simple-api),
    hands the class to nothing."""
    annotations: list[ast.expr] = []
    for node in ast.walk(tree):
        annotation: ast.expr | None = None
        if isinstance(node, (ast.AnnAssign, ast.arg)):
            annotation = node.annotation
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            annotation = node.returns
        if annotation is not None:
            annotations.append(annotation)
    return {id(name) for annotation in annotations for name in ast.walk(annotation)}
