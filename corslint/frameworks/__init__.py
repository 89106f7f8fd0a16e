"""Per-framework models of what a CORS library really sends.

Each framework module builds one `Framework` (framework.py): its ``respond`` reproduces
the library's answer to a request (checked against the real library by differential
tests), and a few declarations tell rules where to point and which entries are origins.
"""

from __future__ import annotations

from types import ModuleType

from corslint.frameworks.framework import (
    Framework,
    LibraryCheck,
    Options,
    OriginEntry,
    Responder,
    Role,
)
from corslint.model import CorsPolicy

__all__ = [
    "Framework",
    "LibraryCheck",
    "Options",
    "OriginEntry",
    "Responder",
    "Role",
    "framework_of",
    "frameworks",
    "model_modules",
]

_REGISTRY: dict[str, Framework] = {}


def model_modules() -> tuple[ModuleType, ...]:
    """The modules that model a library, in the order their frameworks are registered;
    each module's docstring says what the library sends (docs/semantics/models.md)."""
    from corslint.frameworks import (
        adonis_cors,
        aiohttp_cors,
        aiohttp_middlewares_cors,
        aws_sam,
        bottle_cors_plugin,
        chalice,
        cornice_cors,
        django_cors,
        elysia_cors,
        engineio_cors,
        express,
        express_headers,
        falcon,
        falcon_cors,
        fastify_cors,
        flask_cors,
        graphql_yoga,
        h3_cors,
        hapi_cors,
        hono_cors,
        hug_cors,
        itty_router_cors,
        kcors,
        koa2_cors,
        koa_cors,
        koa_legacy_cors,
        litestar,
        micro_cors,
        moleculer_web_cors,
        nextjs_cors,
        powertools_cors,
        python_headers,
        quart_cors,
        responder_cors,
        sails_cors,
        sanic_cors,
        sanic_ext,
        serverless_framework,
        starlette,
        strapi_cors,
        tornado_cors,
    )

    return (
        adonis_cors,
        strapi_cors,
        sails_cors,
        moleculer_web_cors,
        starlette,
        django_cors,
        flask_cors,
        express,
        express_headers,
        python_headers,
        koa_cors,
        koa2_cors,
        koa_legacy_cors,
        kcors,
        nextjs_cors,
        micro_cors,
        hapi_cors,
        fastify_cors,
        hono_cors,
        elysia_cors,
        itty_router_cors,
        h3_cors,
        graphql_yoga,
        litestar,
        falcon,
        quart_cors,
        aiohttp_cors,
        sanic_cors,
        sanic_ext,
        engineio_cors,
        serverless_framework,
        aws_sam,
        chalice,
        powertools_cors,
        falcon_cors,
        responder_cors,
        aiohttp_middlewares_cors,
        hug_cors,
        tornado_cors,
        cornice_cors,
        bottle_cors_plugin,
    )


def frameworks() -> dict[str, Framework]:
    """Every framework model by name. Imported on first use: a cached run that only
    reports remembered findings never needs them."""
    if not _REGISTRY:
        for module in model_modules():
            # a module models one library (FRAMEWORK) or one behaviour under several names
            # (FRAMEWORKS: hand-written headers, named for the framework that sends them)
            for framework in getattr(module, "FRAMEWORKS", None) or (module.FRAMEWORK,):
                _REGISTRY[framework.name] = framework
    return _REGISTRY


def framework_of(policy: CorsPolicy) -> Framework:
    return frameworks()[policy.framework]
