"""Policies from Hono's ``cors`` middleware (``import { cors } from "hono/cors"``): one per
``cors(...)`` call, scoped to the path pattern it is mounted on (``app.use("/api/*", cors())``).

An ``origin`` function ``(origin, c) => ...`` is judged from its returns: the ``origin``
parameter under a membership test is an allow-list, returned unconditionally a
reflection, a falsy value a refusal."""

from __future__ import annotations

import dataclasses

from corslint.extractors.express.middleware_policy import middleware_policy
from corslint.extractors.express.options import OptionNames, first_argument_options
from corslint.extractors.express.origin_functions import parameter_names
from corslint.extractors.express.registrations import Analysis
from corslint.extractors.express.returned_origins import classify_returns, function_of_value
from corslint.extractors.express.scoped_routes import routes_in_scope
from corslint.extractors.express.shared_middleware_routes import importer_routes, unused_in_app
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import unwrap
from corslint.frameworks.hono_cors import OPTION_NAMES
from corslint.frameworks.hono_cors import probe_path as hono_probe_path
from corslint.model import CorsPolicy, Evidence, FunctionValue, Value

PACKAGE = "hono/cors"
_CLOSE_NAMES = {
    "origins": "origin",
    "allowedOrigins": "origin",
    "allowOrigin": "origin",
    "credential": "credentials",
    "allowCredentials": "credentials",
    "methods": "allowMethods",
    "allowedMethods": "allowMethods",
    "allowedHeaders": "allowHeaders",
    "headers": "allowHeaders",
    "exposedHeaders": "exposeHeaders",
    "maxage": "maxAge",
    "max_age": "maxAge",
}

_REFUSALS = frozenset({"false", "null", "undefined", "''", '""', "``"})
_EVERY_PATH = frozenset({"", "/", "*", "/*"})


def _callee_names(module: JsModule) -> set[str]:
    names = set()
    for local, (specifier, exported_name) in module.imports.items():
        if specifier == PACKAGE and exported_name == "cors":
            names.add(local)
        elif specifier == PACKAGE and exported_name == "*":
            names.add(f"{local}.cors")
    return names


def hono_cors_policies(analysis: Analysis, bearer: tuple[Evidence, ...]) -> list[CorsPolicy]:
    module = analysis.module
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
        evidence += list(bearer)
        policy = middleware_policy(
            analysis,
            node,
            options,
            evidence,
            framework="hono_cors",
            label="Hono cors() middleware",
            every_path=_EVERY_PATH,
            probe_path_of=hono_probe_path,
        )
        if not policy.app and policy.routes is None:  # built here, `use`d by the modules importing it
            policy = dataclasses.replace(policy, routes=importer_routes(module))
            if all(e.kind != "not-applied" for e in policy.evidence) and unused_in_app(module, b"new Hono("):
                # `export const corsMiddleware = cors(...)` in a module no file imports
                # (ansarisaqlain987/hono-drizzle-boilerplate src/middlewares/cors.middleware.ts)
                unused = Evidence(
                    "not-applied",
                    "this Hono cors() middleware is exported, but no module of the app imports it, so it "
                    "sends no CORS headers",
                    module.location(node),
                )
                policy = dataclasses.replace(policy, evidence=(*policy.evidence, unused))
        elif policy.routes is None:  # registered here: the routes under its mount pattern
            policy = dataclasses.replace(policy, routes=routes_in_scope(analysis, policy.scope))
        policies.append(policy)
    return policies


def _classified(module: JsModule, value: Value) -> Value:
    if not (value.known and isinstance(value.raw, FunctionValue) and value.raw.kind == "unknown"):
        return value
    function = function_of_value(module, value)
    if function is None:
        return value
    parameters = parameter_names(module, function)
    if not parameters:
        classified = classify_returns(module, function, set(), _REFUSALS, set())
    else:
        origin = {parameters[0]}
        classified = classify_returns(module, function, origin, _REFUSALS, origin)
    return Value(
        classified, value.location, value.provenance, value.env_var, value.description, value.related
    )


# read after `_classified` is defined: how an `origin` option of this package is read
_NAMES = OptionNames(OPTION_NAMES, _CLOSE_NAMES, "Hono's cors()", "the default", _classified)
