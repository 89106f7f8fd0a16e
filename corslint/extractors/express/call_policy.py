"""A policy made where a CORS package's factory is called, for packages whose middleware
answers every path of the app it is given to (no mount path to scope it)."""

from __future__ import annotations

from corslint.extractors.express.branches import arms_around, development_guarded
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.project_files import is_development_path
from corslint.extractors.js.syntax import Node
from corslint.model import CorsPolicy, Evidence, Location, Value


def policy_at_call(
    module: JsModule,
    call: Node,
    *,
    framework: str,
    label: str,
    options: dict[str, Value],
    evidence: tuple[Evidence, ...],
    location: Location | None = None,
) -> CorsPolicy:
    """The policy of the factory call `call`, at `location` (the call's own by default):
    development-only in a development file or under a development guard, and in the
    branch arms around the call."""
    return CorsPolicy(
        framework=framework,
        location=module.location(call) if location is None else location,
        options=options,
        evidence=evidence,
        development_only=is_development_path(module.path) or development_guarded(module, call),
        label=label,
        branch=arms_around(call),
    )
