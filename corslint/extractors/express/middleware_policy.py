"""The policy of one CORS middleware call (`cors(...)` of @koa/cors or Hono): where it
is registered, the paths it covers, and whether it is registered at all."""

from __future__ import annotations

from collections.abc import Callable, Collection

from corslint.extractors.express.branches import arms_around, development_guarded
from corslint.extractors.express.cors_layers import exported
from corslint.extractors.express.registrations import Analysis, registration_of
from corslint.extractors.js.project_files import is_development_path
from corslint.extractors.js.syntax import Node
from corslint.model import CorsPolicy, Evidence, Value


def middleware_policy(
    analysis: Analysis,
    node: Node,
    options: dict[str, Value],
    evidence: list[Evidence],
    *,
    framework: str,
    label: str,
    every_path: Collection[str],
    probe_path_of: Callable[[str], str],
) -> CorsPolicy:
    """`node` is the middleware's call; `every_path` are the mount paths that mean "all"."""
    module = analysis.module
    registration, via = registration_of(analysis, node)
    app = branch = scope = ""
    probe_path = "/"
    if registration is not None:
        app = f"{module.path}::{registration.receiver}"
        branch = arms_around(registration.call)
        if registration.path and registration.path not in every_path:
            scope = registration.path
            probe_path = probe_path_of(registration.path)
    elif not exported(module, node, via):
        evidence.append(
            Evidence(
                "not-applied",
                f"this {label} is created but never registered with `app.use`, so it sends no CORS headers",
                module.location(node),
                whole_layer=True,
            )
        )
    return CorsPolicy(
        framework=framework,
        location=module.location(node),
        options=options,
        evidence=tuple(evidence),
        development_only=is_development_path(module.path) or development_guarded(module, node),
        label=label,
        scope=scope,
        probe_path=probe_path,
        app=app,
        branch=branch,
    )
