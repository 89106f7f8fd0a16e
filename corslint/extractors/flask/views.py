"""`@cross_origin` views: one policy per decorated view, with the app config its
requests see (the decorator reads `CORS_*` at request time) and the routes it serves,
under the prefix its blueprint is registered with."""

from __future__ import annotations

import ast
from dataclasses import replace

from corslint.extractors.flask.app_config import config_variants
from corslint.extractors.flask.calls import CROSS_ORIGIN
from corslint.extractors.flask.collected import Collected, Site
from corslint.extractors.flask.collector import collect
from corslint.extractors.flask.imports import lookup, qualified_name
from corslint.extractors.flask.options import keyword_options, local_scope
from corslint.extractors.flask.reaching import (
    Registration,
    agreed,
    collapse,
    registering_apps,
    writes_reaching,
)
from corslint.extractors.flask.routes import sample_path
from corslint.extractors.python import PythonModule, is_development_path
from corslint.frameworks.flask_cors import CONFIG_KEYS
from corslint.model import CorsPolicy, Diagnostic, Evidence, Route, Value

_LATE = (10**9, 0)  # after every statement: what a request sees


def view_policy(
    module: PythonModule,
    collected: Collected,
    decorator: ast.Call,
    site: Site,
    routes: list[tuple[Route, str]],
    label: str,
    name: str,
    evidence: tuple[Evidence, ...],
    owners: tuple[str, ...] = (),
) -> CorsPolicy:
    """`@cross_origin(...)`: it reads the app config at request time, and replaces the
    app-wide layer on its own routes. `owners`: what the view's route decorators hang on."""
    scope = local_scope(module, collected, site)
    options, notes = keyword_options(module, decorator, scope, skip_app=False)
    config, registrations = request_config(module, collected, site, owners)
    base: dict[str, Value] = {}
    for key, value in config.items():
        # the view's automatic OPTIONS is decided by the decorator's own keyword only
        if key in CONFIG_KEYS and key not in {"CORS_RESOURCES", "CORS_AUTOMATIC_OPTIONS"}:
            base[CONFIG_KEYS[key]] = value
        elif key == "CORS_*":  # a mapping corslint cannot read may set any of them
            base["**"] = value
    base.update(options)
    routes = _registered(routes, registrations)
    probe_path = routes[0][1] if routes else "/"
    return CorsPolicy(
        framework="flask_cors",
        location=module.location(decorator),
        options=base,
        routes=tuple(route for route, _ in routes) or None,
        evidence=(*notes, *evidence),
        development_only=is_development_path(module.path) or site.debug,
        label=f"@cross_origin on {label}",
        scope=probe_path,
        probe_path=probe_path,
        app=f"{module.path}::view {name}",
        route_level=True,
    )


def _config_at(module: PythonModule, collected: Collected, app: str, scope: str) -> dict[str, Value]:
    at = Site(scope, "", False, False, _LATE)
    return collapse(config_variants(writes_reaching(module, collected, app, at, at_request=True), at))


def request_config(
    module: PythonModule, collected: Collected, site: Site, owners: tuple[str, ...]
) -> tuple[dict[str, Value], list[Registration]]:
    """The app config a view's requests see: of the app its routes hang on (here, in the
    module it is imported from, or each app its blueprint is registered on, where they
    agree), else of the one app the module makes; and the blueprint's registrations."""
    for owner in owners:
        for scope in (site.scope, ""):
            kind = collected.apps.get((scope, owner))
            if kind == "flask":
                return _config_at(module, collected, owner, scope), []
            if kind == "blueprint":
                found = registering_apps(module, owner)
                configs = [_config_at(m, c, app, where.scope) for m, c, app, where, _ in found]
                return (agreed(configs) if configs else {}), found
        imported = collected.imports.get(site.scope, collected.imports[""]).get(owner)
        if imported is not None and module.project is not None:
            located = lookup(module, imported)
            if located is not None and located[0] is not module:
                other = collect(located[0])
                kind = other.apps.get(("", located[1]))
                if kind == "flask":
                    return _config_at(located[0], other, located[1], ""), []
                if kind == "blueprint":  # `from . import api`: the package's blueprint
                    found = registering_apps(located[0], located[1])
                    configs = [_config_at(m, c, app, where.scope) for m, c, app, where, _ in found]
                    return (agreed(configs) if configs else {}), found
    apps = [app for (scope_key, app), kind in collected.apps.items() if kind == "flask" and not scope_key]
    if len(apps) != 1:
        return {}, []
    return _config_at(module, collected, apps[0], ""), []


def _registered(
    routes: list[tuple[Route, str]], registrations: list[Registration]
) -> list[tuple[Route, str]]:
    """A blueprint's routes under the `url_prefix` it is registered with (which replaces
    the blueprint's own), when every registration agrees on one."""
    prefixes: set[str | None] = set()
    for other, _, _, _, call in registrations:
        given: str | None = None
        for keyword in call.keywords:
            if keyword.arg == "url_prefix":
                value = other.resolve(keyword.value)
                given = value.raw if value.known and isinstance(value.raw, str) else "?"
        prefixes.add(given)
    if len(prefixes) != 1 or None in prefixes or "?" in prefixes:
        return routes
    prefix = str(prefixes.pop()).rstrip("/")
    moved: list[tuple[Route, str]] = []
    for route, _ in routes:
        path = prefix + "/" + route.path.lstrip("/") if route.path.strip("/") else prefix + route.path
        moved.append((replace(route, path=path), sample_path(path)))
    return moved


def uncalled_decorators(module: PythonModule, collected: Collected) -> tuple[Diagnostic, ...]:
    """`@cross_origin` written without parentheses: the factory receives the view and the
    view becomes its inner decorator, which fails on every request (HTTP 500, no CORS
    headers), so this configuration never applies."""
    tables = list(collected.imports.values())
    found: list[Diagnostic] = []
    for node in module.nodes:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for decorator in node.decorator_list:
            if isinstance(decorator, (ast.Name, ast.Attribute)) and any(
                qualified_name(decorator, table) == CROSS_ORIGIN for table in tables
            ):
                found.append(
                    Diagnostic(
                        "CORS303",
                        f"Flask-CORS: `@{module.source(decorator)}` without parentheses hands "
                        f"`{node.name}` to the decorator factory, so the view is replaced by the "
                        "inner decorator: every request to it fails with a TypeError (HTTP 500) and "
                        "gets no CORS headers from it; write "
                        f"`@{module.source(decorator)}()`",
                        module.location(decorator),
                    )
                )
    return tuple(found)
