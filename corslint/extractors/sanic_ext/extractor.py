"""Sanic Extensions' CORS configured through `sanic_ext.Config(cors_origins=..., ...)`
(the object `app.extend(config=...)` or `Extend(app, config=...)` takes), or through `CORS_*`
keys written on the app's config before it is extended (app_config.py), read with `ast`.

Seen in aws/res (source/idea/idea-sdk/src/ideasdk/server/cors.py: `get_cors_config()`
returns `Config(cors_origins="*", cors_allow_headers=[...])`, which every RES server's
`apply_sanic_extensions` hands to `app.extend`). Each keyword `cors_x` sets the app config
key `CORS_X`, the option names the model (frameworks/sanic_ext.py) reads. `cors=False`
turns the extension's CORS off: no policy. A module that imports Sanic-CORS leaves its
`CORS_*` keys to that port (extractors.flask.sanic_port)."""

from __future__ import annotations

import ast
import dataclasses

from corslint.extractors.context import ProjectContext
from corslint.extractors.manifests import declared_packages
from corslint.extractors.python import PythonModule, is_development_path
from corslint.extractors.python.call_options import arms, read_arguments
from corslint.extractors.python.pydantic_version import declared_major
from corslint.extractors.sanic_ext.app_config import CONFIG_CLASSES, AppConfiguration, app_configurations
from corslint.extractors.sanic_ext.route_decorators import route_policies
from corslint.model import CorsPolicy, Diagnostic, Extraction, Location, Value

LEGACY = "sanic_ext_24"  # frameworks/sanic_ext.py FRAMEWORK_24
LAST_PREFIX_MAJOR = 24  # sanic-ext 25.12.0 anchors string origins with `$`


def extract(path: str, text: str, context: ProjectContext) -> Extraction:
    if "sanic" not in text:  # no import can name Sanic or its Config: no parse (models, migrations)
        return Extraction()
    module = context.python.parse(path, text)
    packages = _top_packages(module)
    configured: list[AppConfiguration] = []
    notes: list[Diagnostic] = []
    if (
        packages & {"sanic", "sanic_ext"}
        and "sanic_cors" not in packages
        and ("CORS" in text or "cors_" in text)
    ):
        declared = declared_packages(context, path)
        # Sanic-CORS (imported elsewhere in the project) reads the same keys at `CORS(app)`
        port = declared.has("sanic-cors")
        installed = declared.has("sanic-ext") or "sanic_ext" in packages  # an import proves it
        configured, notes = app_configurations(module, installed and not port, not port)
    absorbed = {id(found.config_call) for found in configured if found.config_call is not None}
    policies = [
        policy
        for found in configured
        if (policy := _policy(module, path, found.options, found.location, found.branch)) is not None
    ]
    for call in module.calls:
        if id(call) in absorbed or (module.qualified_name(call.func) or "") not in CONFIG_CLASSES:
            continue
        arguments = read_arguments(module, call, ())
        if "**" in arguments:
            continue  # `Config(**settings)`: which keys it sets is not read
        options = {name.upper(): value for name, value in arguments.items() if name.startswith("cors")}
        policy = _policy(module, path, options, module.location(call), arms(module, call))
        if policy is not None:
            policies.append(policy)
    if "sanic_ext" in packages:
        policies.extend(route_policies(module, is_development_path(path)))
    if policies and _before_25(path):
        policies = [dataclasses.replace(policy, framework=LEGACY) for policy in policies]
    return Extraction(policies=tuple(policies), diagnostics=tuple(notes))


def _policy(
    module: PythonModule, path: str, options: dict[str, Value], location: Location, branch: str
) -> CorsPolicy | None:
    switch = options.pop("CORS", None)
    if switch is not None and (not switch.known or not switch.raw):
        return None  # CORS off (or not known to be on): nothing claimed
    if not options or "**" in options:
        return None
    return CorsPolicy(
        framework="sanic_ext",
        location=location,
        options=options,
        development_only=is_development_path(path),
        app=f"{module.real_path()}:{location.line}:{location.column}",
        branch=branch,
    )


def _before_25(path: str) -> bool:
    """Whether the project's manifests pin sanic-ext 24.12 or older (calendar versions: a
    lower bound alone tells nothing), whose string origins match as prefixes."""
    major = declared_major(path, "sanic-ext", open_ended=False)
    return major is not None and major <= LAST_PREFIX_MAJOR


def _top_packages(module: PythonModule) -> frozenset[str]:
    names: set[str] = set()
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.partition(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.partition(".")[0])
    return frozenset(names)
