"""Policies from the legacy ``koa-cors`` package (0.0.x, a generator middleware distinct
from ``@koa/cors``): one per ``cors(...)`` call registered with ``app.use`` (Zavierrr/xiaote
`xiaote-api/index.js`, koa-cors 0.0.16 on koa 2). Its origin function gets the request,
not the context, so it is left unknown (CORS305); the model is frameworks/koa_legacy_cors.py."""

from __future__ import annotations

from corslint.extractors.express.koa_cors import KoaCorsPackage, package_policies
from corslint.extractors.express.options import OptionNames
from corslint.extractors.express.registrations import Analysis
from corslint.extractors.js.module import JsModule
from corslint.frameworks.koa_legacy_cors import OPTION_NAMES
from corslint.model import CorsPolicy, Evidence, Value

PACKAGE = "koa-cors"

_CLOSE_NAMES = {
    "origins": "origin",
    "allowedOrigins": "origin",
    "credential": "credentials",
    "allowMethods": "methods",
    "method": "methods",
    "allowHeaders": "headers",
    "allowedHeaders": "headers",
    "exposeHeaders": "expose",
    "exposedHeaders": "expose",
    "maxage": "maxAge",
}


def _as_written(module: JsModule, value: Value) -> Value:
    return value  # an origin function takes ctx.request: left unknown


KOA_LEGACY_CORS = KoaCorsPackage(
    PACKAGE,
    "koa_legacy_cors",
    "koa-cors middleware",
    OptionNames(OPTION_NAMES, _CLOSE_NAMES, "koa-cors", "the package's default", _as_written),
)


def koa_legacy_cors_policies(analysis: Analysis, bearer: tuple[Evidence, ...]) -> list[CorsPolicy]:
    return package_policies(analysis, bearer, KOA_LEGACY_CORS)
