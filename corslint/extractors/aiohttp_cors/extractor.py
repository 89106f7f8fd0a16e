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
        config, evidence = _config(module, defaults, module.location(call))
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
            and len(call.args) >= 2
        ):
            continue
        defaults_config, app = setups[call.func.value.id]
        own, evidence = _config(module, call.args[1], module.location(call))
        route_path = _route_path(call.args[0])
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


def _laid_over(own: Value, defaults: Value) -> Value:
    if not own.known:
        return own
    if not defaults.known:
        return defaults
    return Value({**defaults.raw, **own.raw}, own.location, own.provenance)


def _config(
    module: PythonModule, node: ast.expr | None, where: Location
) -> tuple[Value, tuple[Evidence, ...]]:
    """{origin: Value({option: Value})}, each ResourceOptions read argument by argument."""
    if node is None:
        return Value({}, where), ()
    if isinstance(node, ast.Name):
        bound = module.lookup(node.id, node, EMPTY_SCOPE)
        if bound.kind == "value" and isinstance(bound.node, ast.Dict):
            node = bound.node
    if not isinstance(node, ast.Dict) or any(key is None for key in node.keys):
        return Value(None, module.location(node), Provenance.UNKNOWN, description=module.source(node)), ()
    config: dict[str, Value] = {}
    evidence: list[Evidence] = []
    for key, value in zip(node.keys, node.values, strict=True):
        assert key is not None
        origin = module.resolve(key)
        if not origin.known or not isinstance(origin.raw, str):
            return Value(None, module.location(key), Provenance.UNKNOWN, description=module.source(key)), ()
        if isinstance(value, ast.Call) and (module.qualified_name(value.func) or "") in RESOURCE_OPTIONS:
            options = read_arguments(module, value, ())
            evidence.extend(unknown_options(options, PARAMETERS, "ResourceOptions"))
            config[origin.raw] = Value(options, module.location(value))
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
