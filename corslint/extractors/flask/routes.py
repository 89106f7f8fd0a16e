"""The routes an app or a blueprint serves: route decorators, ``add_url_rule``, registered
blueprints with their prefixes, and MethodViews."""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping

from corslint.extractors.flask.calls import app_kind, call_arguments, dotted_name
from corslint.extractors.flask.collected import Collected, Function
from corslint.extractors.flask.imports import lookup, qualified_name
from corslint.extractors.flask.module_index import module_index
from corslint.extractors.flask.project_scan import project_modules
from corslint.extractors.python import PythonModule
from corslint.model import Route

VERBS = {"get": "GET", "post": "POST", "put": "PUT", "patch": "PATCH", "delete": "DELETE"}
_CONVERTER = re.compile(r"<(?:([a-zA-Z_]+)(?:\([^)]*\))?:)?[a-zA-Z_][a-zA-Z0-9_]*>")
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def class_view_routes(module: PythonModule, collected: Collected, class_name: str) -> list[tuple[Route, str]]:
    """The routes `add_url_rule(..., view_func=Class.as_view(...))` gives a MethodView."""
    if class_name in collected.class_routes:
        return collected.class_routes[class_name]
    routes: list[tuple[Route, str]] = []
    for call in module_index(module).routing:
        if not isinstance(call, ast.Call):
            continue
        if any(
            isinstance(arg.value, ast.Call)
            and isinstance(arg.value.func, ast.Attribute)
            and arg.value.func.attr == "as_view"
            and dotted_name(arg.value.func.value) == class_name
            for arg in call_arguments(call)
        ):
            routes += [(route, sample_path(route.path)) for route in _url_rule(module, call, "")]
    collected.class_routes[class_name] = routes
    return routes


def sample_path(rule: str) -> str:
    """A concrete request path for a Flask URL rule: `<int:id>` -> `1`, `<name>` -> `x`."""

    def fill(match: re.Match[str]) -> str:
        converter = match.group(1) or "string"
        return {
            "int": "1",
            "float": "1.5",
            "path": "x/y",
            "uuid": "00000000-0000-0000-0000-000000000000",
        }.get(converter, "x")

    return _CONVERTER.sub(fill, rule)


def _join(prefix: str, rule: str) -> str:
    if not prefix:
        return rule
    return prefix.rstrip("/") + "/" + rule.lstrip("/") if rule else prefix


def app_routes(
    module: PythonModule, collected: Collected, receiver: str, kind: str | None
) -> list[tuple[Route, str]] | None:
    """The routes served through `receiver` (an app with its blueprints, or a blueprint)."""
    if kind == "blueprint":
        prefix = blueprint_prefix(module, collected.blueprints.get(receiver))
        owned = [(r, sample_path(r.path)) for r in owned_routes(module, {receiver}, prefix)]
        return owned or None
    routes = [(r, sample_path(r.path)) for r in owned_routes(module, {receiver}, "")]
    complete = True
    nearby = importing_modules(module, collected)
    # and the route modules that import the app (`from flask_app import app`), which an
    # entry script imports in turn
    importers = [m for m in project_modules(module, f"import {receiver}") if m not in nearby]
    for other in nearby + importers:
        names = {
            local
            for local, qualified in other.imports.items()
            if qualified.split(".")[-1] == receiver and _points_to(other, qualified, module)
        }
        if names:
            routes += [(r, sample_path(r.path)) for r in owned_routes(other, names, "")]
    for owner, call in _registrations(module, receiver):
        arguments = call_arguments(call)
        target = arguments[0].value if arguments else None
        blueprint = blueprint_module(owner, target)
        if blueprint is None:
            complete = False
            continue
        bp_module, bp_name, bp_call = blueprint
        prefix = blueprint_prefix(bp_module, bp_call)
        for keyword in call.keywords:
            if keyword.arg == "url_prefix":
                value = owner.resolve(keyword.value)
                prefix = value.raw if value.known and isinstance(value.raw, str) else prefix
        routes += [(r, sample_path(r.path)) for r in owned_routes(bp_module, {bp_name}, prefix)]
    if not complete or not routes:
        return None
    return routes


def _points_to(other: PythonModule, qualified: str, module: PythonModule) -> bool:
    if other.project is None:
        return False
    found = lookup(other, qualified)
    return found is not None and found[0] is module


def importing_modules(module: PythonModule, collected: Collected) -> list[PythonModule]:
    """In-tree modules this one imports (`from . import views` style route modules)."""
    if collected.importing is not None:
        return collected.importing
    found: list[PythonModule] = []
    if module.project is not None:
        for qualified in set(module.imports.values()):
            path = module.project.find_module(module, qualified)
            if path is None:
                continue
            other = module.project.module_at(path)
            if other is not None and other is not module and other not in found:
                found.append(other)
    collected.importing = found
    return found


def _registrations(module: PythonModule, receiver: str) -> list[tuple[PythonModule, ast.Call]]:
    return [
        (module, call)
        for call in module_index(module).registrations
        if isinstance(call.func, ast.Attribute) and dotted_name(call.func.value) == receiver
    ]


def blueprint_module(
    module: PythonModule, target: ast.expr | None, imports: Mapping[str, str] | None = None
) -> tuple[PythonModule, str, ast.Call] | None:
    if target is None:
        return None
    local_import = imports is not None and isinstance(target, ast.Name) and target.id in imports
    if isinstance(target, ast.Name) and not (local_import and target.id not in module.imports):
        bound = module.find_binding(target.id)
        if (
            bound is not None
            and isinstance(bound[1], ast.Call)
            and app_kind(bound[0], bound[1]) == "blueprint"
        ):
            return bound[0], target.id, bound[1]
    qualified = module.qualified_name(target) if imports is None else qualified_name(target, imports)
    if qualified is None or module.project is None:
        return None
    found = lookup(module, qualified)
    if found is None:
        return None
    owner, name = found
    bound = owner.find_binding(name)
    if bound is not None and isinstance(bound[1], ast.Call) and app_kind(bound[0], bound[1]) == "blueprint":
        return bound[0], name, bound[1]
    return None


def blueprint_prefix(module: PythonModule, call: ast.Call | None) -> str:
    if call is None:
        return ""
    for keyword in call.keywords:
        if keyword.arg == "url_prefix":
            value = module.resolve(keyword.value)
            if value.known and isinstance(value.raw, str):
                return value.raw
    return ""


def owned_routes(module: PythonModule, owners: set[str], prefix: str) -> list[Route]:
    routes: list[Route] = []
    for node in module_index(module).routing:
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and dotted_name(func.value) in owners:
                routes.extend(_url_rule(module, node, prefix))
            continue
        for decorator in node.decorator_list:
            route = _decorator_route(module, decorator, owners, prefix)
            if route is not None:
                routes.append(route)
    return routes


def function_routes(
    module: PythonModule, collected: Collected, function: Function
) -> list[tuple[Route, str]]:
    """The routes a view function's own decorators give it."""
    known = collected.function_routes.get(id(function))
    if known is not None:
        return known
    routes: list[tuple[Route, str]] = []
    for node in function.decorator_list:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = dotted_name(node.func.value)
            bp_prefix = blueprint_prefix(module, collected.blueprints.get(owner))
            route = _decorator_route(module, node, {owner}, bp_prefix)
            if route is not None:
                routes.append((route, sample_path(route.path)))
    collected.function_routes[id(function)] = routes
    return routes


def _decorator_route(module: PythonModule, node: ast.expr, owners: set[str], prefix: str) -> Route | None:
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
        return None
    if dotted_name(node.func.value) not in owners:
        return None
    verb = node.func.attr
    if verb not in VERBS and verb != "route":
        return None
    rule = _rule(module, node)
    methods: tuple[str, ...] | None = (VERBS[verb],) if verb in VERBS else _methods(module, node)
    if methods is None:
        return None
    return Route(_join(prefix, rule), methods, module.location(node))


def _rule(module: PythonModule, call: ast.Call) -> str:
    for arg in call_arguments(call):
        if (arg.keyword is None and not arg.star) or arg.keyword == "rule":
            value = module.resolve(arg.value)
            return value.raw if value.known and isinstance(value.raw, str) else "/"
    return "/"


def _methods(
    module: PythonModule, call: ast.Call, default: tuple[str, ...] = ("GET",)
) -> tuple[str, ...] | None:
    for keyword in call.keywords:
        if keyword.arg == "methods":
            value = module.resolve(keyword.value)
            if value.known and isinstance(value.raw, tuple):
                return tuple(str(item.raw).upper() for item in value.raw if item.known)
            return None
    return (*default, "HEAD") if "GET" in default else default


def _url_rule(module: PythonModule, call: ast.Call, prefix: str) -> list[Route]:
    rule = _rule(module, call)
    view: ast.expr | None = None
    for keyword in call.keywords:
        if keyword.arg == "view_func":
            view = keyword.value
    positional = [arg for arg in call.args if not isinstance(arg, ast.Starred)]
    if view is None and len(positional) >= 3:
        view = positional[2]
    default: tuple[str, ...] = ("GET",)
    if isinstance(view, ast.Call) and isinstance(view.func, ast.Attribute) and view.func.attr == "as_view":
        found = module.class_named(view.func.value)
        if found is not None:
            default = _view_class_methods(found[0], found[1])
    methods = _methods(module, call, default)
    if methods is None:
        return []
    return [Route(_join(prefix, rule), methods, module.location(call))]


def _view_class_methods(module: PythonModule, class_def: ast.ClassDef) -> tuple[str, ...]:
    """A MethodView serves the verbs it defines; `methods = [...]` overrides them."""
    methods: list[str] = []
    for statement in class_def.body:
        if isinstance(statement, _FUNCTIONS) and statement.name in VERBS:
            methods.append(VERBS[statement.name])
        if (
            isinstance(statement, ast.Assign)
            and isinstance(statement.targets[0], ast.Name)
            and statement.targets[0].id == "methods"
        ):
            value = module.resolve(statement.value)
            if value.known and isinstance(value.raw, tuple):
                return tuple(str(item.raw).upper() for item in value.raw if item.known)
    return tuple(methods) or ("GET",)
