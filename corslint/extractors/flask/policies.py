"""Building the `CorsPolicy` objects: one per resource pattern of a ``CORS(app)`` or
``init_app`` call, one per ``@cross_origin`` view."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import replace

from corslint.extractors.flask.app_config import config_for
from corslint.extractors.flask.calls import CORS_CLASS, app_argument, dotted_name, extension_constructor
from corslint.extractors.flask.collected import Collected, Site
from corslint.extractors.flask.options import keyword_options, local_scope, unknown_config, unknown_option
from corslint.extractors.flask.routes import (
    app_routes,
    blueprint_module,
    blueprint_prefix,
    class_view_routes,
    function_routes,
    owned_routes,
    sample_path,
)
from corslint.extractors.python import PythonModule, Scope, is_development_path, seen_from
from corslint.frameworks.flask_cors import (
    CONFIG_KEYS,
    OPTIONS,
    answers_path,
    pattern_text,
    probably_regex,
    resource_rank,
)
from corslint.model import (
    CorsPolicy,
    Evidence,
    Location,
    Provenance,
    Route,
    UnresolvedValueError,
    Value,
)


def extension_policies(
    module: PythonModule,
    collected: Collected,
    call: ast.Call,
    site: Site,
    evidence: tuple[Evidence, ...],
) -> Iterator[CorsPolicy]:
    scope = local_scope(module, collected, site)
    layers: list[dict[str, Value]] = []
    notes: list[Evidence] = []
    constructor = (
        extension_constructor(module, call.func.value)
        if isinstance(call.func, ast.Attribute) and module.qualified_name(call.func) != CORS_CLASS
        else None
    )
    if constructor is not None:  # cors.init_app(app, ...)
        owner, made = constructor
        options, found = keyword_options(owner, made, Scope({}), skip_app=True)
        layers.append({k: seen_from(v, module, module.location(call)) for k, v in options.items()})
        notes += found
    app_node = app_argument(call)
    if app_node is None:
        return
    options, found = keyword_options(module, call, scope, skip_app=True)
    layers.append(options)
    notes += found
    receiver = dotted_name(app_node) or module.source(app_node)
    kind = collected.apps.get((site.scope, receiver)) or collected.apps.get(("", receiver))
    imported_blueprint = blueprint_module(module, app_node) if kind is None else None
    if imported_blueprint is not None and imported_blueprint[0] is not module:
        kind = "blueprint"
    base: dict[str, Value] = {}
    if kind != "blueprint":
        for key, value in config_for(collected, receiver, site, at_request=False).items():
            if key in CONFIG_KEYS:
                base[CONFIG_KEYS[key]] = value
            elif key == "CORS_*":
                base["**"] = value
            else:
                notes.append(unknown_config(key, value.location))
        notes += _late_writes(collected, receiver, site, module.location(call))
    merged = dict(base)
    for layer in layers:
        merged.update(layer)
    local = site.scope and receiver in collected.locals.get(site.scope, {})
    app_id = f"{module.path}::{site.scope if local else ''}::{receiver}"
    if imported_blueprint is not None and imported_blueprint[0] is not module:
        bp_module, bp_name, bp_call = imported_blueprint
        prefix = blueprint_prefix(bp_module, bp_call)
        owned = [(r, sample_path(r.path)) for r in owned_routes(bp_module, {bp_name}, prefix)]
        routes: list[tuple[Route, str]] | None = owned or None
    else:
        routes = app_routes(module, collected, receiver, kind)
    development = is_development_path(module.path) or site.debug
    notes.sort(key=lambda e: "origins" not in e.detail)
    decorated = frozenset(
        sample
        for function, _ in collected.views
        for _, sample in function_routes(module, collected, function)
    ) | frozenset(
        sample
        for _, _, class_name in collected.wrappers
        if class_name
        for _, sample in class_view_routes(module, collected, class_name)
    )
    resources = merged.pop("resources", None)
    for pattern, extra, extra_notes in _resources(module, resources):
        options = dict(merged)
        options.update(extra)
        scope_text = ""
        if pattern is not None:
            assert resources is not None
            options["resources"] = pattern[1]
            scope_text = pattern[0]
        policy = CorsPolicy(
            framework="flask_cors",
            location=module.location(call),
            options=options,
            evidence=(*notes, *extra_notes, *evidence),
            development_only=development,
            label=f"resources {scope_text}" if scope_text else "",
            scope=scope_text,
            app=app_id,
            branch=site.branch,
        )
        placed = _placed(policy, routes, decorated)
        unused = _unmatched_literal_resource(placed, pattern[1] if pattern else None, routes)
        yield replace(placed, evidence=(*placed.evidence, *unused))


def _late_writes(collected: Collected, receiver: str, site: Site, call: Location) -> list[Evidence]:
    """Config keys written after the extension read the config: they never reach it."""
    late: list[Evidence] = []
    for write in collected.config:
        if (
            write.receiver != receiver
            or write.site.scope != site.scope
            or write.site.position < site.position
        ):
            continue
        for key in write.values:
            if key in CONFIG_KEYS:
                late.append(
                    Evidence(
                        "not-applied",
                        f"`{key}` is set after `CORS` (line {call.line}) has read the app config, "
                        "so that CORS layer never sees it; set it before the extension is bound",
                        write.location,
                    )
                )
    return late


def _unmatched_literal_resource(
    policy: CorsPolicy, patterns: Value | None, routes: list[tuple[Route, str]] | None
) -> list[Evidence]:
    """A resource without regex characters is compared to the whole path: often it matches
    none of the routes it was meant for."""
    if patterns is None or not routes or policy.routes or probably_regex(policy.scope):
        return []
    entry = next((v for v in patterns.entries if v.known and v.raw == policy.scope), patterns)
    example = routes[0][0].path
    return [
        Evidence(
            "not-applied",
            f"resource `{policy.scope}` has no regex characters, so Flask-CORS compares it with the "
            f"whole request path: it matches none of the app's routes (such as `{example}`), "
            "which get no CORS headers from it",
            entry.location,
        )
    ]


def _resources(
    module: PythonModule, resources: Value | None
) -> Iterator[tuple[tuple[str, Value] | None, dict[str, Value], list[Evidence]]]:
    """(scope text, the ordered patterns as a `resources` value) and per-resource options."""
    if resources is None:
        yield None, {}, []
        return
    if not resources.known:
        yield ("", resources), {}, []
        return
    raw = resources.raw
    pairs: list[tuple[Value, Value | None]]
    if isinstance(raw, dict):
        pairs = [(Value(key, resources.location), value) for key, value in raw.items()]
        pairs.sort(key=lambda pair: resource_rank(pair[0].raw))
    elif isinstance(raw, tuple):
        pairs = [(item, None) for item in raw]
    else:
        pairs = [(resources, None)]
    ordered = Value(
        tuple(key for key, _ in pairs),
        resources.location,
        resources.provenance,
        resources.env_var,
        resources.description,
        resources.related,
    )
    for key, extra in pairs:
        text = pattern_text(".*" if key.raw == "*" else key.raw) if key.known else ""
        options: dict[str, Value] = {}
        notes: list[Evidence] = []
        if extra is not None:
            if extra.known and isinstance(extra.raw, dict):
                for name, value in extra.raw.items():
                    options[str(name)] = value
                    if name not in OPTIONS:
                        notes.append(unknown_option(str(name), value.location))
            else:
                options["**"] = (
                    extra
                    if not extra.known
                    else Value(
                        None,
                        extra.location,
                        Provenance.UNKNOWN,
                        description="resource options that are not a dict",
                    )
                )
        yield (text, ordered), options, notes


def _placed(
    policy: CorsPolicy, routes: list[tuple[Route, str]] | None, decorated: frozenset[str] = frozenset()
) -> CorsPolicy:
    """The policy with a probe path it answers and the routes it covers. Paths of
    `@cross_origin` views are probed last: the decorator answers there, not the extension."""
    try:
        covered = None if routes is None else tuple(r for r, sample in routes if answers_path(policy, sample))
        samples = [sample for _, sample in routes or ()]
        candidates = [p for p in samples if p not in decorated] + _pattern_paths(policy.scope) + ["/"]
        probe_path = next((c for c in candidates if answers_path(policy, c)), "/")
    except (UnresolvedValueError, ValueError, TypeError, re.error):
        return policy
    return replace(policy, routes=covered, probe_path=probe_path)


def _pattern_paths(pattern: str) -> list[str]:
    """Paths a resource pattern is likely to match: its literal prefix, extended."""
    text = pattern.lstrip("^")
    prefix = re.split(r"[.^$*+?{}\[\]\\|()]", text, maxsplit=1)[0]
    if not pattern:
        return ["/"]
    paths = [prefix, prefix + "x", prefix.rstrip("/") + "/x", prefix + "1", "/" + prefix.lstrip("/")]
    return [path for path in paths if path.startswith("/")]


def view_policy(
    module: PythonModule,
    collected: Collected,
    decorator: ast.Call,
    site: Site,
    routes: list[tuple[Route, str]],
    label: str,
    name: str,
    evidence: tuple[Evidence, ...],
) -> CorsPolicy:
    """`@cross_origin(...)`: it reads the app config at request time, and replaces the
    app-wide layer on its own routes."""
    scope = local_scope(module, collected, site)
    options, notes = keyword_options(module, decorator, scope, skip_app=False)
    apps = [app for (scope_key, app), kind in collected.apps.items() if kind == "flask" and not scope_key]
    base: dict[str, Value] = {}
    if len(apps) == 1:
        request_site = Site("", "", False, False, (10**9, 0))
        for key, value in config_for(collected, apps[0], request_site, at_request=True).items():
            # the view's automatic OPTIONS is decided by the decorator's own keyword only
            if key in CONFIG_KEYS and key not in {"CORS_RESOURCES", "CORS_AUTOMATIC_OPTIONS"}:
                base[CONFIG_KEYS[key]] = value
    base.update(options)
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
