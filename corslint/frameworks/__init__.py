"""Per-framework models of what a CORS library really sends.

Each framework module builds one `Framework` (framework.py): its ``respond`` reproduces
the library's answer to a request (checked against the real library by differential
tests), and a few declarations tell rules where to point and which entries are origins.
"""

from __future__ import annotations

import importlib
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
# the names each model module registers, so that a run imports only the models its
# policies name: all 41 modules cost 10-20 ms, paid in the worker that parses and again
# in the parent for the rules across policies, where a realistic 10k-file tree names 4
# frameworks (PERF11). A name missing here loads every model, as `frameworks()` does
# (tests/test_framework_names.py keeps this table whole).
MODEL_NAMES: dict[str, tuple[str, ...]] = {
    "adonis_cors": ("adonis_cors", "adonis5_cors"),
    "strapi_cors": ("strapi_cors", "strapi_cors_legacy", "strapi_cors_koa_3_1"),
    "sails_cors": ("sails_cors",),
    "moleculer_web_cors": ("moleculer_web_cors",),
    "starlette": ("starlette",),
    "django_cors": ("django",),
    "flask_cors": ("flask_cors",),
    "express": (
        "express",
        "nestjs",
        "apollo_server",
        "socketio",
        "routing_controllers",
        "firebase_functions",
    ),
    "express_headers": (
        "express_headers",
        "express_helper_headers",
        "node_headers",
        "nextjs_helper_headers",
        "koa_headers",
        "restify_headers",
        "fastify_headers",
        "hono_headers",
        "oak_headers",
        "h3_headers",
        "sw2express_headers",
        "nextjs_headers",
        "vercel_headers",
        "netlify_headers",
        "cloudflare_pages_headers",
        "nitro_route_rules",
        "nextjs_middleware",
        "lambda_headers",
        "fetch_headers",
        "cloudfront_function_headers",
        "sveltekit_hook_headers",
        "sveltekit_endpoint_headers",
        "astro_endpoint_headers",
        "solidstart_route_headers",
        "itty_router_route_headers",
        "nextjs_route_headers",
    ),
    "python_headers": (
        "flask_headers",
        "django_headers",
        "starlette_headers",
        "tornado_headers",
        "aiohttp_headers",
        "asgi_headers",
        "bottle_headers",
        "pyramid_headers",
        "falcon_headers",
        "http_server_headers",
        "sanic_headers",
        "azure_functions_headers",
        "wsgi_headers",
        "cloud_functions_headers",
        "cherrypy_headers",
        "quart_headers",
        "webpy_headers",
        "odoo_headers",
        "nameko_headers",
    ),
    "apollo_lambda2": ("apollo_lambda",),
    "koa_cors": ("koa_cors",),
    "koa2_cors": ("koa2_cors",),
    "koa_legacy_cors": ("koa_legacy_cors",),
    "kcors": ("kcors", "midway_cross_domain"),
    "nextjs_cors": ("nextjs_cors", "fetch_cors_port"),
    "micro_cors": ("micro_cors",),
    "hapi_cors": ("hapi_cors",),
    "fastify_cors": ("fastify_cors", "nestjs_fastify", "fastify_cors_legacy", "fastify_cors_3"),
    "hono_cors": ("hono_cors",),
    "elysia_cors": ("elysia_cors",),
    "itty_router_cors": ("itty_router_create_cors", "itty_router_cors", "itty_cors"),
    "h3_cors": ("h3_cors", "h3_cors_2"),
    "graphql_yoga": ("graphql_yoga",),
    "litestar": ("litestar",),
    "falcon": ("falcon",),
    "quart_cors": ("quart_cors",),
    "aiohttp_cors": ("aiohttp_cors",),
    "sanic_cors": ("sanic_cors",),
    "sanic_ext": ("sanic_ext", "sanic_ext_24"),
    "engineio_cors": ("engineio",),
    "serverless_framework": ("serverless_rest", "serverless_http_api"),
    "aws_sam": ("aws_sam_rest", "aws_sam_http_api", "aws_sam_function_url"),
    "aws_cdk": ("aws_cdk_rest", "aws_cdk_http_api"),
    "chalice": ("chalice",),
    "powertools_cors": ("powertools_cors",),
    "falcon_cors": ("falcon_cors",),
    "responder_cors": ("responder",),
    "aiohttp_middlewares_cors": ("aiohttp_middlewares",),
    "hug_cors": ("hug_cors",),
    "tornado_cors": ("tornado_cors",),
    "cornice_cors": ("cornice",),
    "bottle_cors_plugin": ("bottle_cors_plugin",),
}
_MODULE_OF = {name: module for module, names in MODEL_NAMES.items() for name in names}
_LOADED: dict[str, Framework] = {}  # by name, from the model modules imported so far


def model_modules() -> tuple[ModuleType, ...]:
    """The modules that model a library, in the order their frameworks are registered;
    each module's docstring says what the library sends (docs/semantics/models.md)."""
    from corslint.frameworks import (
        adonis_cors,
        aiohttp_cors,
        aiohttp_middlewares_cors,
        apollo_lambda2,
        aws_cdk,
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
        apollo_lambda2,
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
        aws_cdk,
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
            for framework in _registered(module):
                _REGISTRY[framework.name] = framework
    return _REGISTRY


def framework_of(policy: CorsPolicy) -> Framework:
    """The model of the policy's framework, its module imported if need be (MODEL_NAMES)."""
    name = policy.framework
    found = _LOADED.get(name)
    if found is None:
        found = _REGISTRY.get(name)
    if found is not None:
        return found
    module = _MODULE_OF.get(name)
    if module is not None:
        for framework in _registered(importlib.import_module(f"corslint.frameworks.{module}")):
            _LOADED[framework.name] = framework
        if name in _LOADED:
            return _LOADED[name]
    return frameworks()[name]


def _registered(module: ModuleType) -> tuple[Framework, ...]:
    """The frameworks a model module registers: one library (FRAMEWORK), or one behaviour
    under several names (FRAMEWORKS: hand-written headers, named for the framework that
    sends them)."""
    return tuple(getattr(module, "FRAMEWORKS", None) or (module.FRAMEWORK,))
