"""The Express extractor: each JS/TS file's ``cors()`` layers and hand-written CORS headers."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from corslint.extractors.context import ProjectContext
from corslint.extractors.express.bearer_evidence import bearer_evidence, using_app_bearer_evidence
from corslint.extractors.express.config_headers import is_next_config, next_config_policies
from corslint.extractors.express.cors_layers import cors_policies
from corslint.extractors.express.decorator_headers import decorator_header_policies
from corslint.extractors.express.fastify_cors import fastify_cors_policies
from corslint.extractors.express.fetch_cors_ports import fetch_cors_port_policies
from corslint.extractors.express.handwritten import handwritten_policies
from corslint.extractors.express.next_custom_server import with_next_server_routes
from corslint.extractors.express.nitro_route_rules import is_nitro_config, nitro_config_policies
from corslint.extractors.express.registrations import Analysis, find_cors_names, find_registrations
from corslint.extractors.express.response_objects import response_object_policies
from corslint.extractors.express.sw2express_headers import sw2express_policies
from corslint.extractors.express.uncalled_cors_factory import uncalled_cors_factory_policies
from corslint.extractors.express.unloaded_route_modules import never_loaded, never_loaded_middleware
from corslint.extractors.express.wrappers import wrapper_policies
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.project import JsProject
from corslint.extractors.js.project_files import looks_minified
from corslint.model import CorsPolicy, Evidence, Extraction


def project_of(context: ProjectContext) -> JsProject:
    project = context.shared.get("js_project")
    if not isinstance(project, JsProject):
        project = JsProject(context)
        context.shared["js_project"] = project
    return project


def extract(path: str, text: str, context: ProjectContext) -> Extraction:
    if looks_minified(text):  # a bundle: its source, if in the tree, is read instead
        lines = text.count("\n") + 1
        return Extraction(
            skipped=f"not analysed: it looks minified ({len(text):,} characters in {lines:,} "
            "line(s)); lint the source it was built from"
        )
    project = project_of(context)
    module = project.module(path, text, Path(path))
    bearer = tuple(bearer_evidence(module))
    policies = _policies(path, module, bearer)
    if policies and never_loaded(module):
        return Extraction()  # a route module nothing requires answers nothing (sweep 12 Y1)
    if policies and not any(p.inactive for p in policies) and never_loaded_middleware(module):
        # nor a middleware module (sweep 13 W4), but a CORS layer the author believes active
        # is worth saying so (CORS303; blind set 23, tatiankris/just-review-back)
        policies = [dataclasses.replace(p, evidence=(*p.evidence, _unloaded(p))) for p in policies]
    # the app's signs of bearer authentication in other modules are only evidence of
    # policies (CORS204): a module that makes none needs no scan of its importers (PERF5)
    if policies and not bearer and _writes_allowed_headers(module):
        bearer = tuple(using_app_bearer_evidence(module))
        if bearer:
            policies = _policies(path, module, bearer)
    return Extraction(policies=tuple(policies))


def _unloaded(policy: CorsPolicy) -> Evidence:
    return Evidence(
        "not-applied",
        "no module of the project imports this middleware file, so the CORS headers it writes are never sent",
        policy.location,
        whole_layer=True,
    )


def _policies(path: str, module: JsModule, bearer: tuple[Evidence, ...]) -> list[CorsPolicy]:
    analysis = Analysis(module)
    find_cors_names(analysis)
    find_registrations(analysis)
    policies: list[CorsPolicy] = []
    policies += with_next_server_routes(module, cors_policies(analysis, bearer))  # a custom Next.js server
    policies += uncalled_cors_factory_policies(analysis, bearer)  # `app.use(cors)`
    policies += handwritten_policies(analysis, bearer)
    policies += decorator_header_policies(module, bearer)
    policies += wrapper_policies(analysis, bearer)
    # the readers of rarer packages are imported and run only for a file whose bytes name
    # the package (each reader finds its calls through the file's own imports of it, or
    # the package's name in its text): 32 modules fewer where none is named (PERF10)
    source = module.source
    if b"@koa/cors" in source:
        from corslint.extractors.express.koa_cors import koa_cors_policies

        policies += koa_cors_policies(analysis, bearer)
    if b"koa2-cors" in source:
        from corslint.extractors.express.koa2_cors import koa2_cors_policies

        policies += koa2_cors_policies(analysis, bearer)
    if b"koa-cors" in source:
        from corslint.extractors.express.koa_legacy_cors import koa_legacy_cors_policies

        policies += koa_legacy_cors_policies(analysis, bearer)
    if b"kcors" in source:
        from corslint.extractors.express.kcors import kcors_policies

        policies += kcors_policies(analysis, bearer)
    if b"nextjs-cors" in source:  # with the Fetch ports (below) it reads first
        from corslint.extractors.express.nextjs_cors import nextjs_cors_policies

        policies += nextjs_cors_policies(module, bearer)
    else:
        policies += fetch_cors_port_policies(module, bearer)
    if b"micro-cors" in source:
        from corslint.extractors.express.micro_cors import micro_cors_policies

        policies += micro_cors_policies(module, bearer)
    if b"hapi" in source:  # `@hapi/hapi`, `hapi`
        from corslint.extractors.express.hapi_cors import hapi_cors_policies

        policies += hapi_cors_policies(module, bearer)
    policies += fastify_cors_policies(module, bearer)
    if b"hono/cors" in source:
        from corslint.extractors.express.hono_cors import hono_cors_policies

        policies += hono_cors_policies(analysis, bearer)
    if b"@elysiajs/cors" in source:
        from corslint.extractors.express.elysia_cors import elysia_cors_policies

        policies += elysia_cors_policies(module, bearer)
    if b"itty-" in source:  # `itty-router` and its subpaths, `itty-cors`
        from corslint.extractors.express.itty_router_cors import itty_router_cors_policies

        policies += itty_router_cors_policies(module, bearer)
    if b"handleCors" in source:
        from corslint.extractors.express.h3_cors import h3_cors_policies

        policies += h3_cors_policies(module, bearer)
    if b"graphql-yoga" in source:
        from corslint.extractors.express.graphql_yoga import graphql_yoga_policies

        policies += graphql_yoga_policies(module, bearer)
    if b"@graphql-yoga/nestjs" in source:
        from corslint.extractors.express.yoga_nest_driver import yoga_nest_driver_policies

        policies += yoga_nest_driver_policies(module, bearer)
    if b"rigin" in source and b"xport" in source:  # `module.exports`, `exports.`, `export`; `Origin`
        from corslint.extractors.express.unpassed_exported_options import unpassed_exported_options

        policies += unpassed_exported_options(module, bearer)
    policies += response_object_policies(module, bearer)
    if b"headers.set" in source and not any(policy.framework == "fetch_headers" for policy in policies):
        from corslint.extractors.express.curried_cors_wrappers import curried_wrapper_policies

        policies += curried_wrapper_policies(module, bearer)  # `withCORS(opts)(handler)` (SWEEP13 M2)
    if b"orsPreflight" in source:  # AWS CDK `defaultCorsPreflightOptions`, `corsPreflight`
        from corslint.extractors.express.aws_cdk import aws_cdk_policies

        policies += aws_cdk_policies(module, bearer)
    if b"event.response" in source or b"cf.response" in source:  # CloudFront Functions, Lambda@Edge
        from corslint.extractors.express.cloudfront_functions import cloudfront_function_policies

        policies += cloudfront_function_policies(module)
    policies += sw2express_policies(module, bearer)
    if Path(path).name.startswith("middleware.") and path.endswith(".js"):  # LoopBack 3 `middleware.<env>.js`
        from corslint.extractors.express.loopback_env_middleware import loopback_env_policies

        policies += loopback_env_policies(module)
    if is_next_config(path):
        policies += next_config_policies(module)
    elif is_nitro_config(path):
        policies += nitro_config_policies(module)
    return policies


def _writes_allowed_headers(module: JsModule) -> bool:
    """Whether the module spells Allow-Headers (hand-written code): only then does CORS204
    need the app's signs of bearer authentication from other modules."""
    return b"access-control-allow-headers" in module.source.lower()
