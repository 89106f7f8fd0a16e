"""aiohttp-cors `setup(app, defaults={ORIGIN: ResourceOptions(...)})` and per-route
`cors.add(route, {ORIGIN: ResourceOptions(...)})`, read with `ast`.

The setup gives the app-wide policy; each `cors.add` with its own mapping gives a
route-level one whose mapping is laid over the defaults origin by origin, as the library
does. `CorsConfig` is one per app, so each setup is its own app key.
"""

from __future__ import annotations

import ast

from corslint.extractors.context import ProjectContext
from corslint.extractors.python import EMPTY_SCOPE, PythonModule, is_development_path
from corslint.extractors.python.app_state import stored_state
from corslint.extractors.python.call_options import arms, read_arguments, unknown_options
from corslint.model import CorsPolicy, Evidence, Extraction, Location, Provenance, Value

SETUP = frozenset({"aiohttp_cors.setup", "aiohttp_cors.CorsConfig", "aiohttp_cors.cors_config.CorsConfig"})
RESOURCE_OPTIONS = frozenset(
    {"aiohttp_cors.ResourceOptions", "aiohttp_cors.resource_options.ResourceOptions"}
)
PARAMETERS = ("allow_credentials", "expose_headers", "allow_headers", "max_age", "allow_methods")
ROUTE_ADDERS = frozenset(
    {"add_route", "add_get", "add_post", "add_put", "add_patch", "add_delete", "add_resource"}
)


def extract(path: str, text: str, context: ProjectContext) -> Extraction:
    module = context.python.parse(path, text)
    policies: list[CorsPolicy] = []
    setups: dict[str, tuple[Value, str]] = {}  # the name a setup is bound to -> its defaults, app key
    for call in module.calls:
        if (module.qualified_name(call.func) or "") not in SETUP:
            continue
        defaults = next((k.value for k in call.keywords if k.arg == "defaults"), None)
        config, evidence = _config(module, defaults, module.location(call), context.shared)
        location = module.location(call)
        app = f"{path}:{location.line}:{location.column}"
        policies.append(_policy(path, module, call, config, evidence, app, False, "/"))
        for node in module.nodes:
            if isinstance(node, ast.Assign) and node.value is call:
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        setups[target.id] = (config, app)
    for call in module.calls:
        if not (
            isinstance(call.func, ast.Attribute)
            and call.func.attr == "add"
            and isinstance(call.func.value, ast.Name)
            and call.func.value.id in setups
        ):
            continue
        entity, own_config = _add_arguments(call)
        if entity is None or own_config is None:
            continue
        defaults_config, app = setups[call.func.value.id]
        own, evidence = _config(module, own_config, module.location(call), context.shared)
        route_path = _route_path(entity)
        policies.append(
            _policy(
                path, module, call, _laid_over(own, defaults_config), evidence, app, True, route_path or "/"
            )
        )
    return Extraction(policies=tuple(policies))


def _policy(
    path: str,
    module: PythonModule,
    call: ast.Call,
    config: Value,
    evidence: tuple[Evidence, ...],
    app: str,
    route_level: bool,
    probe_path: str,
) -> CorsPolicy:
    return CorsPolicy(
        framework="aiohttp_cors",
        location=module.location(call),
        options={"config": config},
        evidence=evidence,
        development_only=is_development_path(path),
        scope=probe_path if route_level else "",
        probe_path=probe_path,
        app=app + (f"::add@{call.lineno}" if route_level else ""),
        route_level=route_level,
        branch=arms(module, call),
    )


def _add_arguments(call: ast.Call) -> tuple[ast.expr | None, ast.expr | None]:
    """`CorsConfig.add(routing_entity, config=None)`'s two arguments, positional or named."""
    named = {keyword.arg: keyword.value for keyword in call.keywords if keyword.arg}
    entity = call.args[0] if call.args else named.get("routing_entity")
    config = call.args[1] if len(call.args) >= 2 else named.get("config")
    return entity, config


def _laid_over(own: Value, defaults: Value) -> Value:
    if not own.known:
        return own
    if not defaults.known:
        return defaults
    return Value({**defaults.raw, **own.raw}, own.location, own.provenance)


def _config(
    module: PythonModule, node: ast.expr | None, where: Location, shared: dict[str, object]
) -> tuple[Value, tuple[Evidence, ...]]:
    """{origin: Value({option: Value})}, each ResourceOptions read argument by argument."""
    if node is None:
        return Value({}, where), ()
    if isinstance(node, ast.Name):
        bound = module.lookup(node.id, node, EMPTY_SCOPE)
        if bound.kind == "value" and isinstance(bound.node, (ast.Dict, ast.DictComp)):
            node = bound.node
    if isinstance(node, ast.DictComp):
        node = _comprehension_entries(module, node)
    if not isinstance(node, ast.Dict) or any(key is None for key in node.keys):
        return Value(None, module.location(node), Provenance.UNKNOWN, description=module.source(node)), ()
    config: dict[str, Value] = {}
    evidence: list[Evidence] = []
    for key, value in zip(node.keys, node.values, strict=True):
        assert key is not None
        origin = module.resolve(key)
        if not origin.known:  # `app["settings"]["cors_origin"]`, stored by another module
            origin = stored_state(module, key, shared) or origin
        if not origin.known or not isinstance(origin.raw, str):
            return Value(None, module.location(key), Provenance.UNKNOWN, description=module.source(key)), ()
        if isinstance(value, ast.Call) and (module.qualified_name(value.func) or "") in RESOURCE_OPTIONS:
            options = read_arguments(module, value, ())
            evidence.extend(unknown_options(options, PARAMETERS, "ResourceOptions"))
            # an origin from an environment default keeps its variable ("when X is unset")
            config[origin.raw] = Value(options, module.location(value), env_var=origin.env_var)
        else:
            resolved = module.resolve(value)
            if not resolved.known or not isinstance(resolved.raw, dict):
                description = resolved.description or module.source(value)
                unknown = Value(None, module.location(value), Provenance.UNKNOWN, description=description)
                return unknown, ()
            config[origin.raw] = resolved
    return Value(config, module.location(node)), tuple(evidence)


def _route_path(node: ast.expr) -> str | None:
    """The literal path of `app.router.add_get("/path", ...)` passed to `cors.add`."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ROUTE_ADDERS
        and node.args
    ):
        first = node.args[1] if node.func.attr == "add_route" and len(node.args) > 1 else node.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            return first.value
    return None


def _comprehension_entries(module: PythonModule, node: ast.DictComp) -> ast.expr:
    """`{origin: ResourceOptions(...) for origin in ORIGINS}` over a known list of origins,
    as the dict it builds (one entry per origin, each with the same options); else the
    comprehension itself, which `_config` reports as unknown."""
    if len(node.generators) != 1:
        return node
    loop = node.generators[0]
    if (
        loop.ifs
        or loop.is_async
        or not isinstance(loop.target, ast.Name)
        or not isinstance(node.key, ast.Name)
        or node.key.id != loop.target.id
        or any(isinstance(n, ast.Name) and n.id == loop.target.id for n in ast.walk(node.value))
    ):
        return node
    origins = module.resolve(loop.iter)
    if not origins.known or not isinstance(origins.raw, (list, tuple)):
        return node
    keys: list[ast.expr | None] = []
    for origin in origins.raw:
        if not isinstance(origin, Value) or not origin.known or not isinstance(origin.raw, str):
            return node
        keys.append(ast.copy_location(ast.Constant(origin.raw), loop.iter))
    return ast.copy_location(ast.Dict(keys=keys, values=[node.value] * len(keys)), node)
