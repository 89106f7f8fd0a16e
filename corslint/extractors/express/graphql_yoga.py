"""Policies from GraphQL Yoga's ``cors`` option: ``createYoga({ schema, cors: {...} })``
(``import { createYoga } from "graphql-yoga"``), one per call that names ``cors``.

``cors: false`` removes Yoga's CORS plugin (no policy); ``cors: true`` keeps its defaults;
a function ``(request) => options`` is left unknown. A call without ``cors`` gets the
plugin's defaults too (every Origin reflected with credentials), but is not reported here:
Yoga instances are often internal (a gateway's local executor, tests), and telling a
served instance from those is left for later."""

from __future__ import annotations

from corslint.extractors.express.branches import arms_around, development_guarded
from corslint.extractors.express.options import OptionNames, sorted_options
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.project_files import is_development_path
from corslint.extractors.js.syntax import unwrap
from corslint.frameworks.graphql_yoga import OPTION_NAMES
from corslint.model import CorsPolicy, Evidence, Provenance, Value

PACKAGE = "graphql-yoga"
_CLOSE_NAMES = {
    "origins": "origin",
    "allowedOrigins": "origin",
    "allowOrigin": "origin",
    "credential": "credentials",
    "allowCredentials": "credentials",
    "allowMethods": "methods",
    "allowedMethods": "methods",
    "allowHeaders": "allowedHeaders",
    "headers": "allowedHeaders",
    "exposeHeaders": "exposedHeaders",
    "maxage": "maxAge",
    "max_age": "maxAge",
}


def _as_written(module: JsModule, value: Value) -> Value:
    return value


_NAMES = OptionNames(OPTION_NAMES, _CLOSE_NAMES, "GraphQL Yoga's `cors`", "the default", _as_written)


def _callee_names(module: JsModule) -> set[str]:
    names = set()
    for local, (specifier, exported_name) in module.imports.items():
        if specifier == PACKAGE and exported_name == "createYoga":
            names.add(local)
        elif specifier == PACKAGE and exported_name == "*":
            names.add(f"{local}.createYoga")
    return names


def graphql_yoga_policies(module: JsModule, bearer: tuple[Evidence, ...]) -> list[CorsPolicy]:
    names = _callee_names(module)
    if not names:
        return []
    policies: list[CorsPolicy] = []
    for node in module.of_kind("call_expression"):
        function = unwrap(node.child_by_field_name("function"))
        if function is None or module.text(function).replace(" ", "") not in names:
            continue
        arguments_node = node.child_by_field_name("arguments")
        arguments = (
            [c for c in arguments_node.named_children if c.type != "comment"] if arguments_node else []
        )
        if not arguments:
            continue
        settings = module.resolve(unwrap(arguments[0]))
        if not settings.known or not isinstance(settings.raw, dict) or "cors" not in settings.raw:
            continue
        cors = settings.raw["cors"]
        options: dict[str, Value]
        evidence: list[Evidence] = []
        if not cors.known:
            options = {"**": cors}
        elif cors.raw is False:
            continue  # Yoga's CORS plugin is off
        elif cors.raw is True:
            options = {}
        elif isinstance(cors.raw, dict):
            options, evidence = sorted_options(module, cors.raw, cors.location, _NAMES)
        else:
            # a function `(request) => options`, or a value useCORS reads as its defaults
            options = {"**": Value(None, cors.location, Provenance.UNKNOWN, description="the `cors` option")}
        policies.append(
            CorsPolicy(
                framework="graphql_yoga",
                location=cors.location,
                options=options,
                evidence=(*evidence, *bearer),
                development_only=is_development_path(module.path) or development_guarded(module, node),
                label="GraphQL Yoga cors",
                branch=arms_around(node),
            )
        )
    return policies
