"""Building the `CorsPolicy` objects: one per resource pattern of a ``CORS(app)`` or
``init_app`` call, one per ``@cross_origin`` view."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import replace

from corslint.extractors.flask.app_config import Variant, config_variants, options_fingerprint
from corslint.extractors.flask.app_keys import layer_app
from corslint.extractors.flask.calls import CORS_CLASS, app_argument, dotted_name, extension_constructor
from corslint.extractors.flask.collected import Collected, Site
from corslint.extractors.flask.config_reads import (
    keys_read,
    locals_with_config_reads,
    switched_off,
    with_config_reads,
)
from corslint.extractors.flask.config_sources import loaded_from
from corslint.extractors.flask.helper_config_reads import with_app_object
from corslint.extractors.flask.imports import qualified_name
from corslint.extractors.flask.options import (
    UnknownKey,
    keyword_options,
    local_scope,
    unknown_config,
    unknown_option,
)
from corslint.extractors.flask.reaching import writes_reaching
from corslint.extractors.flask.routes import (
    app_routes,
    blueprint_module,
    blueprint_prefix,
    class_view_routes,
    function_routes,
    owned_routes,
    sample_path,
)
from corslint.extractors.python import PythonModule, Scope, is_development_path
from corslint.extractors.python.enabling_switches import enabling_switches
from corslint.extractors.python.factory_apps import factory_app_key
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
    Diagnostic,
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
    imports = collected.imports.get(site.scope, collected.imports[""])
    layers: list[dict[str, Value]] = []
    notes: list[Evidence] = []
    constructor = (
        extension_constructor(module, call.func.value, imports, collected.locals.get(site.scope))
        if isinstance(call.func, ast.Attribute) and qualified_name(call.func, imports) != CORS_CLASS
        else None
    )
    where = module.location(call)
    if constructor is not None:  # cors.init_app(app, ...)
        owner, made = constructor
        if _bare(made) and not call.keywords and len(call.args) <= 1:
            # `cors = CORS()` ... `cors.init_app(app)`: the defaults are the extension's, so
            # the findings about them point at the object a user would give options to
            where = owner.location(made)
            notes.append(
                Evidence("applied-at", "the extension is applied to the app here", module.location(call))
            )
        options, found = keyword_options(owner, made, Scope({}), skip_app=True)
        # the options stay where the constructor writes them: that call holds them
        layers.append({k: loaded_from(v, module.location(call)) for k, v in options.items()})
        notes += found
    app_node = app_argument(call)
    if app_node is None or switched_off(module, collected, site):
        return
    notes += enabling_switches(module, call)  # "when CORS_ENABLED is set"
    scope = locals_with_config_reads(module, collected, site, scope)
    scope = with_app_object(module, collected, site, call, scope)  # `helper(app)` reading app.config
    written, scope = with_config_reads(module, collected, site, call, scope)
    options, found = keyword_options(module, written, scope, skip_app=True)
    layers.append(options)
    notes += found
    receiver = dotted_name(app_node) or module.source(app_node)
    kind = collected.apps.get((site.scope, receiver)) or collected.apps.get(("", receiver))
    imported_blueprint = blueprint_module(module, app_node, imports) if kind is None else None
    if imported_blueprint is not None and imported_blueprint[0] is not module:
        kind = "blueprint"
    variants = [Variant(site.branch, {})]
    if kind != "blueprint":
        writes = writes_reaching(module, collected, receiver, site, at_request=False)
        variants = config_variants(writes, site)
        notes += _late_writes(collected, receiver, site, module.location(call))
    local = site.scope and receiver in collected.locals.get(site.scope, {})
    app_id = f"{module.path}::{site.scope if local else _instance_owner(module, call, receiver)}::{receiver}"
    app_id = layer_app(module, collected, site.scope, receiver, app_id)  # a helper's caller's app
    if not local and not site.scope:  # `app = create_app()`: the app the factory returns
        app_id = factory_app_key(module, receiver, module.location(call).line) or app_id
    if imported_blueprint is not None and imported_blueprint[0] is not module:
        bp_module, bp_name, bp_call = imported_blueprint
        prefix = blueprint_prefix(bp_module, bp_call)
        owned = [(r, sample_path(r.path)) for r in owned_routes(bp_module, {bp_name}, prefix)]
        routes: list[tuple[Route, str]] | None = owned or None
    else:
        routes = app_routes(module, collected, receiver, kind)
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
    arms: list[tuple[Variant, dict[str, Value], list[Evidence]]] = []
    for variant in variants:
        base, config_notes = config_options(variant.values, keys_read(module))
        merged = dict(base)
        for layer in layers:
            merged.update(layer)
        arms.append((variant, merged, config_notes))
    if len(arms) > 1 and len({options_fingerprint(merged) for _, merged, _ in arms}) == 1:
        # the keywords override whatever the condition changes: one configuration
        first = arms[0]
        arms = [(Variant(site.branch, first[0].values), first[1], first[2])]
    for variant, merged, config_notes in arms:
        found_notes = sorted([*notes, *config_notes], key=lambda e: "origins" not in e.detail)
        development = is_development_path(module.path) or site.debug or variant.debug
        yield from _resource_policies(
            module,
            where,
            merged,
            found_notes,
            evidence,
            development,
            app_id,
            variant.branch,
            routes,
            decorated,
        )


def _bare(call: ast.Call) -> bool:
    return not call.args and not call.keywords


def _instance_owner(module: PythonModule, call: ast.Call, receiver: str) -> str:
    """`self.app` is one app per class (each TestCase's `setUp` builds its own), not one
    per module."""
    if receiver.split(".")[0] not in {"self", "cls"}:
        return ""
    classes = [step.owner.name for step in module.steps(call) if isinstance(step.owner, ast.ClassDef)]
    return f"class {'.'.join(classes)}" if classes else ""


def config_options(
    values: dict[str, Value], own_keys: frozenset[str] = frozenset()
) -> tuple[dict[str, Value], list[Evidence]]:
    """The options an app's CORS_* config gives the library, and the keys it ignores (not
    those the project reads itself: `app.config.get("CORS_ALLOWED_ORIGINS")` is no typo)."""
    base: dict[str, Value] = {}
    notes: list[Evidence] = []
    for key, value in values.items():
        if key in CONFIG_KEYS:
            base[CONFIG_KEYS[key]] = value
        elif key == "CORS_*":
            base["**"] = value
        elif key not in own_keys:
            notes.append(unknown_config(key, value.location))
    return base, notes


def _resource_policies(
    module: PythonModule,
    where: Location,
    merged: dict[str, Value],
    notes: list[Evidence],
    evidence: tuple[Evidence, ...],
    development: bool,
    app_id: str,
    branch: str,
    routes: list[tuple[Route, str]] | None,
    decorated: frozenset[str],
) -> Iterator[CorsPolicy]:
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
            location=where,
            options=options,
            evidence=(*notes, *extra_notes, *evidence),
            development_only=development,
            label=f"resources {scope_text}" if scope_text else "",
            scope=scope_text,
            app=app_id,
            branch=branch,
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
    if patterns is None or not patterns.known or not routes or policy.routes or probably_regex(policy.scope):
        return []  # an unknown pattern (`f"{prefix()}/*"`) is CORS305, never "matches nothing"
    entry = next((v for v in patterns.entries if v.known and v.raw == policy.scope), patterns)
    example = routes[0][0].path
    return [
        Evidence(
            "not-applied",
            f"resource `{policy.scope}` has no regex characters, so Flask-CORS compares it with the "
            f"whole request path: it matches none of the app's routes (such as `{example}`), "
            "which get no CORS headers from it",
            entry.location,
            whole_layer=True,
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
    unknown: list[tuple[Value, Value | None]] = []
    if isinstance(raw, dict):
        pairs = [
            (Value(key, resources.location), value)
            for key, value in raw.items()
            if not isinstance(key, UnknownKey)
        ]
        pairs.sort(key=lambda pair: resource_rank(pair[0].raw))
        # an unknown pattern is its own (unjudged) policy; the known ones are ordered without it
        unknown = [(key.value, value) for key, value in raw.items() if isinstance(key, UnknownKey)]
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
    for key, extra in [*pairs, *unknown]:
        # an unknown pattern is named by its source: a scope of its own, never "every path"
        text = pattern_text(".*" if key.raw == "*" else key.raw) if key.known else key.description
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
        yield (text, ordered if key.known else _covering(key)), options, notes


_COVERED = ".*"  # the stand-in pattern of an unknown one: the paths it covers, whichever


def _covering(key: Value) -> Value:
    """An unknown pattern (`re.compile(app.config["API_PATH"] + "/*")`) still covers the
    paths it names: its options are judged for a request on one of them, so a known
    `"origins": "*"` beside it is a verdict; `unknown_pattern_notes` says which paths
    were not checked (CORS305)."""
    stand_in = Value(_COVERED, key.location, description=key.description or "an expression")
    return Value((stand_in,), key.location, description=key.description)


def unknown_pattern_notes(policies: list[CorsPolicy]) -> list[Diagnostic]:
    notes: list[Diagnostic] = []
    for policy in policies:
        resources = policy.options.get("resources")
        if resources is None or not resources.known or not isinstance(resources.raw, tuple):
            continue
        if len(resources.raw) == 1 and resources.raw[0].raw == _COVERED and resources.raw[0].description:
            notes.append(
                Diagnostic(
                    "CORS305",
                    f"Flask-CORS: a `resources` pattern could not be determined statically "
                    f"({resources.raw[0].description}); its options were judged for the paths it "
                    "covers, but corslint did not check which paths those are",
                    resources.location,
                )
            )
    return notes


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
