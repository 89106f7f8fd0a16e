"""Per-framework models of what a CORS library really sends.

Each framework module builds one `Framework` (framework.py): its ``respond`` reproduces
the library's answer to a request (checked against the real library by differential
tests), and a few declarations tell rules where to point and which entries are origins.
"""

from __future__ import annotations

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
]

_REGISTRY: dict[str, Framework] = {}


def frameworks() -> dict[str, Framework]:
    """Every framework model by name. Imported on first use: a cached run that only
    reports remembered findings never needs them."""
    if not _REGISTRY:
        from corslint.frameworks import (
            aiohttp_cors,
            aws_sam,
            django_cors,
            elysia_cors,
            express,
            express_headers,
            falcon,
            fastify_cors,
            flask_cors,
            graphql_yoga,
            hapi_cors,
            hono_cors,
            itty_router_cors,
            kcors,
            koa2_cors,
            koa_cors,
            litestar,
            micro_cors,
            nextjs_cors,
            python_headers,
            quart_cors,
            sanic_cors,
            serverless_framework,
            starlette,
        )

        for module in (
            starlette,
            django_cors,
            flask_cors,
            express,
            express_headers,
            python_headers,
            koa_cors,
            koa2_cors,
            kcors,
            nextjs_cors,
            micro_cors,
            hapi_cors,
            fastify_cors,
            hono_cors,
            elysia_cors,
            itty_router_cors,
            graphql_yoga,
            litestar,
            falcon,
            quart_cors,
            aiohttp_cors,
            sanic_cors,
            serverless_framework,
            aws_sam,
        ):
            # a module models one library (FRAMEWORK) or one behaviour under several names
            # (FRAMEWORKS: hand-written headers, named for the framework that sends them)
            for framework in getattr(module, "FRAMEWORKS", None) or (module.FRAMEWORK,):
                _REGISTRY[framework.name] = framework
    return _REGISTRY


def framework_of(policy: CorsPolicy) -> Framework:
    return frameworks()[policy.framework]
