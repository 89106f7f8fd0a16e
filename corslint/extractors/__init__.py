"""Extractors: files in, `CorsPolicy` objects out. They describe; rules judge.

Each extractor declares the file names it reads and the byte strings without which a
file cannot hold its configuration, so the engine can skip most files unparsed.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from corslint.extractors.context import ProjectContext

if TYPE_CHECKING:
    from corslint.model import Extraction


@dataclass(frozen=True)
class Extractor:
    """One kind of configuration: the files it reads and the bytes it needs to see."""

    name: str
    module: str  # imported only when a file passes the prefilter
    suffixes: frozenset[str]
    needles: tuple[bytes, ...]  # a file holding none of these is never parsed
    filenames: frozenset[str] = frozenset()  # exact names read whatever their suffix
    # a needle on a line that starts with one of these is in a comment, and does not count
    line_comments: tuple[bytes, ...] = ()
    # a finer test of a file that holds a needle, as "module:function" (imported at the
    # first such file): function(file name, bytes lowered) -> whether to parse it
    accepts_bytes: str = ""
    # a test of the file name alone, as "module:function", asked before the file is read:
    # function(file name) -> whether the extractor may read a file of that name at all
    accepts_name: str = ""

    def accepts(self, name: str) -> bool:
        return name in self.filenames or any(name.endswith(suffix) for suffix in self.suffixes)

    def wants(self, data: bytes) -> bool:
        """Whether a needle occurs outside a comment line. `# CORS is set up by the
        gateway` is common; parsing every file that says so would cost more than all the
        real configurations. A needle after code on the same line still counts."""
        for needle in self.needles:
            at = data.find(needle)
            while at >= 0:
                line = data[data.rfind(b"\n", 0, at) + 1 : at].lstrip()
                if not line.startswith(self.line_comments):
                    return True
                at = data.find(needle, at + len(needle))
        return False

    def load(self) -> Callable[[str, str, ProjectContext], Extraction]:
        extract: Callable[[str, str, ProjectContext], Extraction] = importlib.import_module(
            self.module
        ).extract
        return extract


PYTHON = frozenset({".py", ".pyi"})
JS_SOURCES = frozenset({".js", ".cjs", ".mjs", ".jsx", ".ts", ".tsx", ".mts", ".cts"})


def python_extractor(name: str, module: str, needles: tuple[bytes, ...]) -> Extractor:
    return Extractor(name, module, PYTHON, needles, line_comments=(b"#",))


EXTRACTORS: tuple[Extractor, ...] = (
    python_extractor(
        "starlette", "corslint.extractors.starlette.extractor", (b"CORSMiddleware", b"add_middleware(**")
    ),
    python_extractor("django", "corslint.extractors.django.extractor", (b"CORS_", b"corsheaders")),
    Extractor(
        "express",
        "corslint.extractors.express.extractor",
        JS_SOURCES,
        # NestJS's `enableCors`; Apollo Server, which mounts cors() without being asked
        (
            b"cors",
            b"enableCors",
            b"apollo-server",
            b"startStandaloneServer",
            b"createYoga",  # served without `cors`: Yoga's defaults (express/yoga_served.py)
            b"handleCors",  # h3's CORS helper (express/h3_cors.py)
            b"CorsPreflight",  # AWS CDK's `defaultCorsPreflightOptions` (express/aws_cdk.py)
            b"Access-Control-",
            b"access-control-",
            b"ACCESS-CONTROL-",
        ),
        line_comments=(b"//", b"/*"),  # not `*` or `#`: generator methods, private fields
    ),
    Extractor(
        "config_files",
        "corslint.extractors.config_files.extractor",
        frozenset({".json", ".yaml", ".yml", ".toml"}),
        (b"origin", b"Origin", b"cors", b"CORS", b"Cors"),
        line_comments=(b"#", b"//"),  # YAML and TOML comments, and JSON with comments
        # data files that merely mention an origin (HAR, OpenAPI, fixtures) are not parsed
        accepts_bytes="corslint.extractors.config_files.byte_screen:may_hold_cors_options",
        # lockfiles and manifests, often megabytes each, are not even read
        accepts_name="corslint.extractors.config_files.byte_screen:may_be_configuration",
    ),
    Extractor(
        "next_middleware",
        "corslint.extractors.express.next_middleware",
        frozenset(),  # by name alone: middleware.ts / proxy.ts (Next.js 16)
        # a helper's name (`setCorsHeaders()`) where the headers are written in another module
        (b"Access-Control-", b"access-control-", b"ACCESS-CONTROL-", b"cors", b"Cors", b"CORS"),
        filenames=frozenset(
            f"{stem}.{suffix}"
            for stem in ("middleware", "proxy")
            for suffix in ("js", "mjs", "cjs", "ts", "mts")
        ),
        line_comments=(b"//", b"/*"),
    ),
    Extractor(
        "hosting_headers",
        "corslint.extractors.express.static_headers",
        frozenset(),  # by name alone: HAR captures and OpenAPI specs mention these headers too
        (b"Access-Control-", b"access-control-", b"ACCESS-CONTROL-"),
        filenames=frozenset({"_headers", "vercel.json", "netlify.toml"}),  # Netlify's headers file
        line_comments=(b"#",),
    ),
    Extractor(
        "serverless_framework",
        "corslint.extractors.serverless_framework.extractor",
        frozenset(),  # by name alone: serverless.yml's `cors` on http / httpApi events
        (b"cors",),
        filenames=frozenset({"serverless.yml", "serverless.yaml"}),
        line_comments=(b"#",),
    ),
    Extractor(
        "aws_sam",
        "corslint.extractors.aws_sam.extractor",
        frozenset(),  # by name alone: AWS SAM templates' `Cors` / `CorsConfiguration`
        (b"Cors",),
        filenames=frozenset(
            f"{stem}.{suffix}"
            for stem in ("template", "sam", "sam-template", "samtemplate", "cloudformation")
            for suffix in ("yaml", "yml")
        ),
        line_comments=(b"#",),
        accepts_bytes="corslint.extractors.aws_sam.extractor:is_sam_template",
    ),
    python_extractor(
        "flask_cors",
        "corslint.extractors.flask.extractor",
        (b"flask_cors", b"flask.ext.cors", b"init_app", b"cross_origin", b"sanic_cors", b"CORS("),
    ),
    python_extractor("litestar", "corslint.extractors.litestar.extractor", (b"CORSConfig",)),
    python_extractor("falcon", "corslint.extractors.falcon.extractor", (b"CORSMiddleware", b"cors_enable")),
    python_extractor("quart_cors", "corslint.extractors.quart_cors.extractor", (b"quart_cors",)),
    python_extractor("aiohttp_cors", "corslint.extractors.aiohttp_cors.extractor", (b"aiohttp_cors",)),
    # `Config(cors_origins=...)`: a needle the prefilter's `cors` already covers
    python_extractor(
        "sanic_ext", "corslint.extractors.sanic_ext.extractor", (b"cors_", b"CORS", b"sanic_ext")
    ),
    # every file that configures Chalice's CORS says `CORSConfig`, `api.cors` or `cors=`
    python_extractor(
        "chalice", "corslint.extractors.chalice.extractor", (b"CORSConfig", b"api.cors", b"cors=")
    ),
    python_extractor("powertools", "corslint.extractors.powertools.extractor", (b"CORSConfig",)),
    # AWS CDK stacks: `default_cors_preflight_options=`, `cors_preflight=`, `add_cors_preflight(`
    python_extractor("aws_cdk", "corslint.extractors.aws_cdk.extractor", (b"cors_preflight",)),
    python_extractor("falcon_cors", "corslint.extractors.falcon_cors.extractor", (b"falcon_cors",)),
    python_extractor("responder", "corslint.extractors.responder.extractor", (b"cors_params", b"cors=True")),
    # Firebase Functions for Python: `@https_fn.on_request(cors=options.CorsOptions(...))`
    python_extractor("firebase_python", "corslint.extractors.firebase_python.extractor", (b"CorsOptions",)),
    python_extractor(
        "aiohttp_middlewares", "corslint.extractors.aiohttp_middlewares.extractor", (b"cors_middleware",)
    ),
    python_extractor("hug", "corslint.extractors.hug.extractor", (b"CORSMiddleware",)),
    python_extractor("tornado_cors", "corslint.extractors.tornado_cors.extractor", (b"tornado_cors",)),
    python_extractor(
        "bottle_cors_plugin", "corslint.extractors.bottle_cors_plugin.extractor", (b"cors_plugin",)
    ),
    python_extractor(
        "cornice", "corslint.extractors.cornice.extractor", (b"cors_policy", b"cors_origins", b"cors_enabled")
    ),
    python_extractor(
        "socketio", "corslint.extractors.socketio.extractor", (b"cors_allowed_origins", b"cors_credentials")
    ),
    python_extractor(
        "python_headers",
        "corslint.extractors.python_headers.extractor",
        # the last: corsheaders' header-name constant, written by hand (PY8B)
        (b"Access-Control-", b"access-control-", b"ACCESS_CONTROL_ALLOW_ORIGIN"),
    ),
    # Odoo's `@http.route(..., cors="*")`
    python_extractor("odoo", "corslint.extractors.odoo.extractor", (b"cors=",)),
    # AWS Lambda proxy results (`{"statusCode": ..., "headers": {...}}`) a Python handler returns
    python_extractor("python_lambda", "corslint.extractors.python_headers.lambda_units", (b"statusCode",)),
    Extractor(
        "adonis_cors",
        "corslint.extractors.node_frameworks.adonis",
        frozenset(),  # by name alone: AdonisJS's config/cors.ts
        (b"adonisjs/cors", b"Adonis/Core/Cors", b"exposeHeaders"),  # AdonisJS 4's has no import
        filenames=frozenset(f"cors.{suffix}" for suffix in ("ts", "js", "mjs", "mts")),
        line_comments=(b"//", b"/*"),
    ),
    Extractor(
        "strapi_cors",
        "corslint.extractors.node_frameworks.strapi",
        frozenset(),  # by name alone: Strapi's config/middlewares.js
        (b"strapi::cors",),
        filenames=frozenset(f"middlewares.{suffix}" for suffix in ("ts", "js", "mjs", "cjs")),
        line_comments=(b"//", b"/*"),
    ),
    Extractor(
        "sails_cors",
        "corslint.extractors.node_frameworks.sails",
        frozenset(),  # by name alone: Sails' config/security.js
        (b"cors",),
        filenames=frozenset({"security.js"}),
        line_comments=(b"//", b"/*", b"*"),
    ),
    Extractor(
        "egg_cors",
        "corslint.extractors.node_frameworks.egg",
        frozenset(),  # by name alone: Egg's (and Midway's) config/config.default.js
        (b"cors", b"crossDomain"),
        filenames=frozenset(
            f"config.{env}.{suffix}" for env in ("default", "prod") for suffix in ("js", "ts", "cjs", "mjs")
        ),
        line_comments=(b"//", b"/*", b"*"),
    ),
    Extractor(
        "moleculer_web_cors",
        "corslint.extractors.node_frameworks.moleculer",
        JS_SOURCES,
        # an API gateway service's `cors` settings: the word the prefilter already looks for
        # (a needle of its own would be one more pass over every JS/TS file), then the package
        (b"cors",),
        line_comments=(b"//", b"/*"),
        accepts_bytes="corslint.extractors.node_frameworks.byte_screens:names_moleculer_web",
    ),
    # CORS libraries corslint does not model (CORS003): their import and configuration names
    python_extractor(
        "unmodelled_python",
        "corslint.extractors.unmodelled.python_code",
        (
            b"cherrypy_cors",
            b"pyramid_cors",
            b"flask_restful.utils",  # Flask-RESTful's `cors.crossdomain`
            b"ALLOW_CORS",  # Robyn
            b"use_cors",  # BlackSheep (also add_cors_policy)
            b"add_cors_policy",
            b"from sanic",  # Sanic-Ext: Sanic loads it by itself, configured by `CORS_*` keys
        ),
    ),
    # dependency manifests that list such a library (CORS003 where no import shows it)
    Extractor(
        "unmodelled_manifests",
        "corslint.extractors.unmodelled.manifests",
        frozenset(),
        (b"cors", b"Cors", b"CORS"),
        filenames=frozenset({"package.json", "requirements.txt", "pyproject.toml", "Pipfile", "setup.cfg"}),
        # (the names of unmodelled.libraries.MANIFESTS, written out: the registry imports no extractor)
    ),
    Extractor(
        "oak",  # Deno Oak's `oakCors` (deno.land/x/cors): not modelled yet (CORS003)
        "corslint.extractors.oak.extractor",
        JS_SOURCES,
        (b"oakCors",),
        line_comments=(b"//", b"/*"),
    ),
    Extractor(
        "unmodelled_js",
        "corslint.extractors.unmodelled.js_code",
        JS_SOURCES,
        (
            b"fastify-cors",
            b"koa-cors",
            b"restify-cors-middleware",
            b"tinyhttp/cors",
            b"hapi-cors",
            b"handleCors",  # h3's CORS helpers (unmodelled.framework_helpers)
            b"appendCors",
            b"useCORS",
        ),
        line_comments=(b"//", b"/*"),
    ),
)
