"""Policies from ``micro-cors``: one per ``Cors(options)`` call (also
``require("micro-cors")(options)``), whose result wraps micro handlers and Next.js API
routes (``export default cors(handler)``); its options are sorted by the package's names."""

from __future__ import annotations

from corslint.extractors.express.call_policy import policy_at_call
from corslint.extractors.express.koa_cors import koa_cors_names
from corslint.extractors.express.options import OptionNames, first_argument_options
from corslint.extractors.express.registrations import is_package_call
from corslint.extractors.js.method_calls import call_arguments
from corslint.extractors.js.module import JsModule
from corslint.frameworks.micro_cors import OPTION_NAMES
from corslint.model import CorsPolicy, Evidence

PACKAGE = "micro-cors"
_CLOSE_NAMES = {
    "origins": "origin",
    "allowedOrigins": "origin",
    "allowOrigin": "origin",
    "credentials": "allowCredentials",
    "allowedMethods": "allowMethods",
    "methods": "allowMethods",
    "allowedHeaders": "allowHeaders",
    "headers": "allowHeaders",
    "exposedHeaders": "exposeHeaders",
    "maxage": "maxAge",
    "max_age": "maxAge",
}
_NAMES = OptionNames(OPTION_NAMES, _CLOSE_NAMES, "micro-cors", "the package's default")


def micro_cors_policies(module: JsModule, bearer: tuple[Evidence, ...]) -> list[CorsPolicy]:
    names = koa_cors_names(module, PACKAGE)
    if not names and PACKAGE.encode() not in module.source:
        return []
    policies: list[CorsPolicy] = []
    for node in module.of_kind("call_expression"):
        if not is_package_call(module, names, node, PACKAGE):
            continue
        options, evidence = first_argument_options(module, list(call_arguments(node)), _NAMES)
        policies.append(
            policy_at_call(
                module,
                node,
                framework="micro_cors",
                label="micro-cors",
                options=options,
                evidence=(*evidence, *bearer),
            )
        )
    return policies
