"""Litestar `CORSConfig(...)`, the configuration `Litestar(cors_config=...)` applies, read with `ast`.

A Litestar app takes one `cors_config`, so no two of them can be layers of one app: each
configuration is its own app key, and CORS302 never pairs them.
"""

from __future__ import annotations

from corslint.extractors.context import ProjectContext
from corslint.extractors.python import is_development_path
from corslint.extractors.python.call_options import arms, read_arguments, unknown_options
from corslint.model import CorsPolicy, Extraction

CONFIG_CLASSES = frozenset({"litestar.config.cors.CORSConfig", "litestar.CORSConfig"})
# CORSConfig's fields in order, for positional arguments
PARAMETERS = (
    "allow_origins",
    "allow_methods",
    "allow_headers",
    "allow_credentials",
    "allow_origin_regex",
    "expose_headers",
    "max_age",
)


def extract(path: str, text: str, context: ProjectContext) -> Extraction:
    module = context.python.parse(path, text)
    policies: list[CorsPolicy] = []
    for call in module.calls:
        if (module.qualified_name(call.func) or "") not in CONFIG_CLASSES:
            continue
        options = read_arguments(module, call, PARAMETERS)
        location = module.location(call)
        policies.append(
            CorsPolicy(
                framework="litestar",
                location=location,
                options=options,
                evidence=tuple(unknown_options(options, PARAMETERS, "CORSConfig")),
                development_only=is_development_path(path),
                app=f"{path}:{location.line}:{location.column}",
                branch=arms(module, call),
            )
        )
    return Extraction(policies=tuple(policies))
