"""Policies from ``kcors`` (the package later renamed ``@koa/cors``): one per ``cors(...)``
call, read as ``@koa/cors`` is; the model (frameworks/kcors.py) keeps kcors's defaults."""

from __future__ import annotations

from corslint.extractors.express.koa_cors import CLOSE_NAMES, KoaCorsPackage, koa_origin, package_policies
from corslint.extractors.express.options import OptionNames
from corslint.extractors.express.registrations import Analysis
from corslint.frameworks.kcors import OPTION_NAMES
from corslint.model import CorsPolicy, Evidence

KCORS = KoaCorsPackage(
    "kcors",
    "kcors",
    "kcors middleware",
    OptionNames(OPTION_NAMES, CLOSE_NAMES, "kcors", "the package's default", koa_origin),
)


def kcors_policies(analysis: Analysis, bearer: tuple[Evidence, ...]) -> list[CorsPolicy]:
    return package_policies(analysis, bearer, KCORS)
