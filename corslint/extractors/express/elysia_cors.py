"""Policies from Elysia's ``cors`` plugin (``import { cors } from "@elysiajs/cors"``): one per
``cors(...)`` call, usually ``new Elysia().use(cors({...}))``. The plugin answers from an
``onRequest`` hook, which runs for every request of the app it is used in, whatever the
app's ``prefix``, so a policy answers every path.

An ``origin`` function gets the Request, not the Origin, and admits it by returning exactly
``true``: corslint does not read such functions, and reports them as unresolved."""

from __future__ import annotations

from corslint.extractors.express.branches import arms_around, development_guarded
from corslint.extractors.express.options import OptionNames, first_argument_options
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.project_files import is_development_path
from corslint.extractors.js.syntax import unwrap
from corslint.frameworks.elysia_cors import OPTION_NAMES
from corslint.model import CorsPolicy, Evidence, Value

PACKAGE = "@elysiajs/cors"
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
    "exposedHeaders": "exposeHeaders",
    "maxage": "maxAge",
    "max_age": "maxAge",
}


def _as_written(module: JsModule, value: Value) -> Value:
    return value  # an origin function takes the Request: left unknown (CORS305)


_NAMES = OptionNames(OPTION_NAMES, _CLOSE_NAMES, "Elysia's cors()", "the plugin's default", _as_written)


def _callee_names(module: JsModule) -> set[str]:
    names = set()
    for local, (specifier, exported_name) in module.imports.items():
        if specifier != PACKAGE:
            continue
        if exported_name in {"cors", "default"}:
            names.add(local)
        elif exported_name == "*":
            names.update({f"{local}.cors", f"{local}.default"})
    return names


def elysia_cors_policies(module: JsModule, bearer: tuple[Evidence, ...]) -> list[CorsPolicy]:
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
        options, evidence = first_argument_options(module, arguments, _NAMES)
        policies.append(
            CorsPolicy(
                framework="elysia_cors",
                location=module.location(node),
                options=options,
                evidence=(*evidence, *bearer),
                development_only=is_development_path(module.path) or development_guarded(module, node),
                label="Elysia cors() plugin",
                branch=arms_around(node),
            )
        )
    return policies
