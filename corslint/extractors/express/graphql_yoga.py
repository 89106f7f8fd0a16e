"""Policies from GraphQL Yoga's ``cors`` option: ``createYoga({ schema, cors: {...} })``
(``import { createYoga } from "graphql-yoga"``), one per call that names ``cors``.

``cors: false`` removes Yoga's CORS plugin (no policy); ``cors: true`` keeps its defaults;
a function ``(request) => options`` is left unknown. A call without ``cors`` gets the
plugin's defaults too (every Origin reflected with credentials): it is judged when the
module serves the instance (`yoga_served`), since Yoga instances are also made for a
gateway's local executor or a test."""

from __future__ import annotations

from corslint.extractors.express.call_policy import policy_at_call
from corslint.extractors.express.close_option_names import close_option_names
from corslint.extractors.express.imported_calls import calls_named, imported_export_names
from corslint.extractors.express.options import OptionNames, sorted_options
from corslint.extractors.express.yoga_served import is_served
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap
from corslint.frameworks.graphql_yoga import OPTION_NAMES
from corslint.model import CorsPolicy, Evidence, Provenance, Value

PACKAGE = "graphql-yoga"
_CLOSE_NAMES = close_option_names(methods="methods", headers="allowedHeaders", expose="exposedHeaders")


def _as_written(module: JsModule, value: Value) -> Value:
    return value


_NAMES = OptionNames(OPTION_NAMES, _CLOSE_NAMES, "GraphQL Yoga's `cors`", "the default", _as_written)


def graphql_yoga_policies(module: JsModule, bearer: tuple[Evidence, ...]) -> list[CorsPolicy]:
    names = imported_export_names(module, PACKAGE, ("createYoga",))
    if not names:
        return []
    policies: list[CorsPolicy] = []
    for node, _, arguments in calls_named(module, names):
        if not arguments:
            continue
        settings = module.resolve(unwrap(arguments[0]))
        if not settings.known or not isinstance(settings.raw, dict):
            continue
        if "cors" not in settings.raw and "**" not in settings.raw and is_served(module, node):
            policies.append(
                policy_at_call(
                    module,
                    node,
                    framework="graphql_yoga",
                    label="GraphQL Yoga's default CORS (no `cors` option)",
                    options={},
                    evidence=bearer,
                )
            )
            continue
        if "cors" not in settings.raw:
            continue
        policy = yoga_cors_policy(module, node, settings.raw["cors"], bearer)
        if policy is not None:
            policies.append(policy)
    return policies


def yoga_cors_policy(
    module: JsModule, node: Node, cors: Value, bearer: tuple[Evidence, ...]
) -> CorsPolicy | None:
    """The policy of a `cors` setting handed to `createYoga` by the call `node` (also through
    the NestJS `YogaDriver`: `yoga_nest_driver`); None for `cors: false`."""
    options: dict[str, Value]
    evidence: list[Evidence] = []
    if not cors.known:
        options = {"**": cors}
    elif cors.raw is False:
        return None  # Yoga's CORS plugin is off
    elif cors.raw is True:
        options = {}
    elif isinstance(cors.raw, dict):
        options, evidence = sorted_options(module, cors.raw, cors.location, _NAMES)
    else:
        # a function `(request) => options`, or a value useCORS reads as its defaults
        options = {"**": Value(None, cors.location, Provenance.UNKNOWN, description="the `cors` option")}
    return policy_at_call(
        module,
        node,
        framework="graphql_yoga",
        label="GraphQL Yoga cors",
        options=options,
        evidence=(*evidence, *bearer),
        location=cors.location,
    )
