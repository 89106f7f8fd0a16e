"""Policies from Hono's ``cors`` middleware (``import { cors } from "hono/cors"``): one per
``cors(...)`` call, scoped to the path pattern it is mounted on (``app.use("/api/*", cors())``).

An ``origin`` function ``(origin, c) => ...`` is judged from its returns: the ``origin``
parameter under a membership test is an allow-list, returned unconditionally a
reflection, a falsy value a refusal."""

from __future__ import annotations

import dataclasses

from corslint.extractors.express.close_option_names import close_option_names
from corslint.extractors.express.hono_setup_routes import setup_routes
from corslint.extractors.express.imported_calls import calls_named, imported_export_names
from corslint.extractors.express.middleware_policy import middleware_policy
from corslint.extractors.express.options import OptionNames, first_argument_options
from corslint.extractors.express.origin_returning_functions import fallback_origin_function
from corslint.extractors.express.registrations import Analysis, registration_of
from corslint.extractors.express.scoped_routes import routes_in_scope, under_scope
from corslint.extractors.express.shared_middleware_routes import importer_routes, unused_in_app
from corslint.extractors.express.ternary_variants import ternary_origin_variants
from corslint.extractors.express.unset_stage_returns import unset_stage_return_variant
from corslint.extractors.js.syntax import Node
from corslint.frameworks.hono_cors import OPTION_NAMES
from corslint.frameworks.hono_cors import probe_path as hono_probe_path
from corslint.model import CorsPolicy, Evidence, Route, Value

PACKAGE = "hono/cors"
_CLOSE_NAMES = close_option_names(methods="allowMethods", headers="allowHeaders", expose="exposeHeaders")

_EVERY_PATH = frozenset({"", "/", "*", "/*"})
_NAMES = OptionNames(OPTION_NAMES, _CLOSE_NAMES, "Hono's cors()", "the default", fallback_origin_function)


def hono_cors_policies(analysis: Analysis, bearer: tuple[Evidence, ...]) -> list[CorsPolicy]:
    module = analysis.module
    names = imported_export_names(module, PACKAGE, ("cors",))
    if not names:
        return []
    policies: list[CorsPolicy] = []
    for node, _, arguments in calls_named(module, names):
        options, evidence = first_argument_options(module, arguments, _NAMES)
        evidence += list(bearer)
        # `set ? list : "*"`: each arm a configuration of its own
        variants = ternary_origin_variants(module, options, evidence)
        for chosen, branch in [(v.options, v.branch) for v in variants] or [(options, "")]:
            policies += _arm_policies(analysis, node, chosen, evidence, branch)
    return policies


def _arm_policies(
    analysis: Analysis, node: Node, options: dict[str, Value], evidence: list[Evidence], branch: str
) -> list[CorsPolicy]:
    module = analysis.module
    policy = _policy(analysis, node, options, evidence, branch)
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
                whole_layer=True,
            )
            policy = dataclasses.replace(policy, evidence=(*policy.evidence, unused))
    elif policy.routes is None:  # registered here: the routes under its mount pattern
        routes = routes_in_scope(analysis, policy.scope) or _setup_routes(analysis, node, policy.scope)
        policy = dataclasses.replace(policy, routes=routes)
    unset = unset_stage_return_variant(module, options)  # open to every Origin outside production
    if unset is None or policy.branch:
        return [policy]
    where = unset[0].partition("@")[2]
    return [
        dataclasses.replace(policy, branch=f"else@{where}"),
        dataclasses.replace(policy, options=unset[1], branch=unset[0]),
    ]


def _setup_routes(analysis: Analysis, node: Node, scope: str) -> tuple[Route, ...] | None:
    """The routes of the app a setup function's parameter stands for (`handleCors(app)`)."""
    registration, _ = registration_of(analysis, node)
    if registration is None:
        return None
    return under_scope(setup_routes(analysis.module, registration.call, registration.receiver), scope)


def _policy(
    analysis: Analysis, node: Node, options: dict[str, Value], evidence: list[Evidence], branch: str
) -> CorsPolicy:
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
    return dataclasses.replace(policy, branch="/".join(p for p in (policy.branch, branch) if p))
