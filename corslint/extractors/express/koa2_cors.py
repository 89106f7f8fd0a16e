"""Policies from ``koa2-cors``: one per ``cors(...)`` call, registered with ``app.use`` (or a
koa-router's ``router.use``). Read as ``@koa/cors`` is (same option names, the same
``(ctx) => ...`` origin functions); the model (frameworks/koa2_cors.py) differs."""

from __future__ import annotations

from corslint.extractors.express.koa_cors import CLOSE_NAMES, KoaCorsPackage, koa_origin, package_policies
from corslint.extractors.express.options import OptionNames
from corslint.extractors.express.registrations import Analysis
from corslint.frameworks.koa2_cors import OPTION_NAMES
from corslint.model import CorsPolicy, Evidence

PACKAGE = "koa2-cors"

KOA2_CORS = KoaCorsPackage(
    PACKAGE,
    "koa2_cors",
    "koa2-cors middleware",
    OptionNames(
        OPTION_NAMES,
        CLOSE_NAMES,
        "koa2-cors",
        "the package's default",
        koa_origin,
    ),
)


def koa2_cors_policies(analysis: Analysis, bearer: tuple[Evidence, ...]) -> list[CorsPolicy]:
    return package_policies(analysis, bearer, KOA2_CORS)
