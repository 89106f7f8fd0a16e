"""Policies from Elysia's ``cors`` plugin (``import { cors } from "@elysiajs/cors"``): one per
``cors(...)`` call, usually ``new Elysia().use(cors({...}))``. The plugin answers from an
``onRequest`` hook, which runs for every request of the app it is used in, whatever the
app's ``prefix``, so a policy answers every path.

An ``origin`` function gets the Request, not the Origin, and admits it by returning exactly
``true``: corslint does not read such functions, and reports them as unresolved."""

from __future__ import annotations

from corslint.extractors.express.call_policy import policy_at_call
from corslint.extractors.express.close_option_names import close_option_names
from corslint.extractors.express.elysia_unused import exported_only, imported_nowhere
from corslint.extractors.express.imported_calls import calls_named, imported_export_names
from corslint.extractors.express.options import OptionNames, first_argument_options
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node
from corslint.frameworks.elysia_cors import OPTION_NAMES
from corslint.model import CorsPolicy, Evidence, Value

PACKAGE = "@elysiajs/cors"
_CLOSE_NAMES = close_option_names(methods="methods", headers="allowedHeaders", expose="exposeHeaders")


def _as_written(module: JsModule, value: Value) -> Value:
    return value  # an origin function takes the Request: left unknown (CORS305)


_NAMES = OptionNames(OPTION_NAMES, _CLOSE_NAMES, "Elysia's cors()", "the plugin's default", _as_written)


def elysia_cors_policies(module: JsModule, bearer: tuple[Evidence, ...]) -> list[CorsPolicy]:
    names = imported_export_names(module, PACKAGE, ("cors", "default"))
    if not names:
        return []
    policies: list[CorsPolicy] = []
    for node, _, arguments in calls_named(module, names):
        options, evidence = first_argument_options(module, arguments, _NAMES)
        if exported_only(module, node) and imported_nowhere(module):
            evidence.append(_unused(module, node))
        policies.append(
            policy_at_call(
                module,
                node,
                framework="elysia_cors",
                label="Elysia cors() plugin",
                options=options,
                evidence=(*evidence, *bearer),
            )
        )
    return policies


def _unused(module: JsModule, node: Node) -> Evidence:
    """`export const corsPlugin = cors()` in a module no file imports (APE-ARCHIVE/backend
    src/plugins/cors.ts): a plugin no instance `.use`s answers nothing."""
    return Evidence(
        "not-applied",
        "this Elysia cors() plugin is exported, but no module of the app imports it, so no "
        "Elysia instance uses it and it sends no CORS headers",
        module.location(node),
        whole_layer=True,
    )
