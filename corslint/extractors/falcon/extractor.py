"""Falcon's `CORSMiddleware(...)` and `falcon.App(cors_enable=True)`, read with `ast`.

Falcon refuses a second CORS layer at startup (`cors_enable` together with a
CORSMiddleware is a ValueError), so each configuration is its own app key.
"""

from __future__ import annotations

import ast

from corslint.extractors.context import ProjectContext
from corslint.extractors.falcon.co_layers import vary_beside
from corslint.extractors.python import PythonModule, is_development_path
from corslint.extractors.python.call_options import arms, read_arguments, unknown_options
from corslint.model import CorsPolicy, Extraction

MIDDLEWARE_CLASSES = frozenset({"falcon.CORSMiddleware", "falcon.middleware.CORSMiddleware"})
APP_CLASSES = frozenset({"falcon.App", "falcon.asgi.App", "falcon.API"})
PARAMETERS = ("allow_origins", "expose_headers", "allow_credentials", "allow_private_network")


def extract(path: str, text: str, context: ProjectContext) -> Extraction:
    module = context.python.parse(path, text)
    policies: list[CorsPolicy] = []
    for call in module.calls:
        qualified = module.qualified_name(call.func) or ""
        if qualified in MIDDLEWARE_CLASSES:
            options = read_arguments(module, call, PARAMETERS)
            evidence = (*unknown_options(options, PARAMETERS, "CORSMiddleware"), *vary_beside(module, call))
            label = ""
        elif qualified in APP_CLASSES and _cors_enabled(module, call):
            options, evidence, label = {}, (), "falcon.App(cors_enable=True)"
        else:
            continue
        location = module.location(call)
        # the file's real path, as hand-written middleware listed beside it names the app
        real = module.real_path()
        policies.append(
            CorsPolicy(
                framework="falcon",
                location=location,
                options=options,
                evidence=evidence,
                development_only=is_development_path(path),
                label=label,
                app=f"{real}:{location.line}:{location.column}",
                branch=arms(module, call),
            )
        )
    return Extraction(policies=tuple(policies))


def _cors_enabled(module: PythonModule, call: ast.Call) -> bool:
    """`cors_enable=True` for certain: an unknown value makes no policy (nothing is claimed)."""
    for keyword in call.keywords:
        if keyword.arg == "cors_enable":
            value = module.resolve(keyword.value)
            return value.known and value.raw is True
    return False
