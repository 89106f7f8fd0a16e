"""Responder: `api = responder.API(cors=True, cors_params={...})`, read with `ast`.

Only `cors=True` turns the middleware on; `cors_params` (a dict literal, or a name bound to
one) become Starlette `CORSMiddleware` keywords as written, so an unknown key stops the app
with a TypeError (CORS307). Without `cors_params`, Responder's defaults admit no origin.

Seen in code search (responder apps from 2018 on): `responder.API(cors=True,
cors_params={"allow_origins": ["*"], "allow_methods": ["*"], "allow_headers": ["*"],
"allow_credentials": True})`, `cors_params={"allow_origins": "*", "allow_methods": "POST,
GET, OPTIONS", ...}` (plain strings, which Starlette tests by substring and joins letter by
letter), and `cors_params = {...}` bound at module level and passed by name.
"""

from __future__ import annotations

from corslint.extractors.context import ProjectContext
from corslint.extractors.python import is_development_path
from corslint.extractors.python.call_options import arms, expanded_options, unknown_options
from corslint.model import CorsPolicy, Extraction, Provenance, Value

APIS = frozenset({"responder.API", "responder.api.API"})
# Starlette CORSMiddleware's keywords
PARAMETERS = (
    "allow_origins",
    "allow_methods",
    "allow_headers",
    "allow_credentials",
    "allow_origin_regex",
    "allow_private_network",
    "expose_headers",
    "max_age",
)


def extract(path: str, text: str, context: ProjectContext) -> Extraction:
    module = context.python.parse(path, text)
    policies: list[CorsPolicy] = []
    for call in module.calls:
        if (module.qualified_name(call.func) or "") not in APIS:
            continue
        keywords = {keyword.arg: keyword.value for keyword in call.keywords if keyword.arg}
        enabled = keywords.get("cors")
        if enabled is None:
            continue
        switch = module.resolve(enabled)
        if not (switch.known and switch.raw is True):
            continue  # off, or not known to be on: Responder adds no middleware
        options: dict[str, Value] = {}
        written = keywords.get("cors_params")
        if written is not None:
            params = module.resolve(written)
            use = module.location(written)
            if params.known and isinstance(params.raw, dict):
                options = expanded_options(module, params, use)
            else:
                why = params.description or module.source(written)
                options["**"] = Value(None, use, Provenance.UNKNOWN, description=why)
        location = module.location(call)
        policies.append(
            CorsPolicy(
                framework="responder",
                location=location,
                options=options,
                evidence=tuple(unknown_options(options, PARAMETERS, "CORSMiddleware (cors_params)")),
                development_only=is_development_path(path),
                app=f"{path}::responder@{location.line}:{location.column}",
                branch=arms(module, call),
            )
        )
    return Extraction(policies=tuple(policies))
