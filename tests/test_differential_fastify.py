"""Differential truth: corslint's @fastify/cors model against the real package on fastify.

The options corslint extracts from every Fastify fixture (NestJS on the Fastify adapter
included) plus edge-case policies go to tests/node/harness.js ("fastify-cors" cases):
the real `@fastify/cors` (pinned in tests/node/package.json) registered on a fastify app
with GET/POST/PUT/PATCH/DELETE routes on every path. Status and CORS headers must equal
the model's answer header by header.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from corslint.frameworks.fastify_cors_versions import VERSION_OPTION
from corslint.model import CorsPolicy, Location, OriginFunction, Regex, Value
from tests.conftest import fixture_projects, named_fixture_policies, synthetic_policy
from tests.probe_battery import route_battery
from tests.test_differential_express import (
    Expected,
    RealAnswers,
    Replayed,
    known_options,
    option_cases,
    replay_mismatches,
    require_node_package,
    run_harness,
)

HERE = Location.point("synthetic.js", 1)
FASTIFY_CORS = frozenset({"fastify_cors", "nestjs_fastify"})


def _require_node() -> None:
    require_node_package("@fastify/cors")


def synthetic(**options: Any) -> CorsPolicy:
    return synthetic_policy("fastify_cors", HERE, options)


def _function(kind: str, *allowed: Any, no_origin: str = "allow", on_reject: str = "false") -> OriginFunction:
    return OriginFunction(
        kind, tuple(Value(item, HERE) for item in allowed), no_origin=no_origin, on_reject=on_reject
    )


SYNTHETIC: dict[str, CorsPolicy] = {
    "defaults": synthetic(),
    "star-credentials": synthetic(origin="*", credentials=True, exposedHeaders=["X-Total", "X-Page"]),
    "fixed-string": synthetic(origin="https://a.example.com", maxAge=0),
    "array": synthetic(origin=["https://a.example.com", Regex(r"\.example\.org$")], credentials=True),
    "array-with-star": synthetic(origin=["https://a.example.com", "*"], methods=["GET", "PUT"]),
    "regex-unanchored": synthetic(origin=Regex(r"https://.*example\.com"), allowedHeaders="Content-Type"),
    "regex-global": synthetic(origin=Regex(r"^https://a\.example\.com$", "g")),
    "true-reflect": synthetic(origin=True, credentials=True, allowedHeaders=["*"]),
    "false-off": synthetic(origin=False),
    "null-origin-option": synthetic(origin=None),
    "empty-string-origin": synthetic(origin=""),
    "strict-off": synthetic(strictPreflight=False, methods="GET,PUT,DELETE", cacheControl=600),
    "preflight-off": synthetic(preflight=False, credentials=True),
    "preflight-continue": synthetic(preflightContinue=True, cacheControl="no-store", maxAge=600),
    "success-status": synthetic(optionsSuccessStatus=200, exposedHeaders=""),
    "hook-pre-handler": synthetic(hook="preHandler", origin=["https://a.example.com"]),
    "hook-pre-parsing": synthetic(hook="preParsing", credentials=True),
    "hook-pre-serialization": synthetic(hook="preSerialization", origin=True, maxAge=60),
    "function-reflect": synthetic(origin=_function("reflect-all"), credentials=True),
    "function-deny": synthetic(origin=_function("deny-all")),
    "function-list-error": synthetic(
        origin=_function("allow-list", "https://a.example.com", on_reject="error"), credentials=True
    ),
    "function-list-false": synthetic(
        origin=_function("allow-list", "https://a.example.com", Regex(r"\.example\.org$"), no_origin="reject")
    ),
    "delegator-callback": synthetic(origin="https://a.example.com", delegator="callback"),
    "delegator-promise": synthetic(origin=["https://a.example.com"], credentials=True, delegator="promise"),
}


def fixture_policies() -> list[tuple[str, CorsPolicy]]:
    found = named_fixture_policies(fixture_projects("fastify"), FASTIFY_CORS)
    return [(name, policy) for name, policy, _ in found]


def harness_options(policy: CorsPolicy) -> dict[str, Any] | None:
    """The options as the package receives them; a delegator hands over the rest."""
    options = known_options(policy)
    if options is not None:
        options.pop(VERSION_OPTION, None)  # corslint's record of the major, no package option
    if options is None or "delegator" not in options:
        return options
    style = options.pop("delegator")
    outer = {"hook": options["hook"]} if "hook" in options else {}
    return {**outer, "delegator": {"$delegator": {"style": style, "options": options}}}


def fastify_cors_cases(
    policies: list[tuple[str, CorsPolicy]], fields_of: Callable[[CorsPolicy], dict[str, Any]]
) -> tuple[list[dict[str, Any]], Expected]:
    """A "fastify-cors" harness case for each policy (on routes of its methods), the
    packages it runs on named by `fields_of`."""
    return option_cases("fastify-cors", policies, route_battery, harness_options, fields_of)


def assert_older_package_matches(
    package: str,
    fastify: str,
    policies: Callable[[], list[tuple[str, CorsPolicy]]],
    own_fixtures: str,
    **fields: Any,
) -> None:
    """The older CORS `package` on `fastify` answers each policy's battery as the model
    says, the policies of its own fixtures (named `own_fixtures`...) among them."""
    require_node_package(package)
    require_node_package(fastify)
    packages = {"package": package, "fastify": fastify, **fields}
    cases, expected = fastify_cors_cases(policies(), lambda _: packages)
    results = run_harness(cases)
    assert any(name.startswith(own_fixtures) for name in expected)
    mismatches, compared = replay_mismatches(results, expected)
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 2000


def _cases() -> tuple[list[dict[str, Any]], Expected]:
    from tests.test_differential_fastify_versions import harness_packages  # imports this module

    # a fixture pinned to an older major runs that one
    return fastify_cors_cases([*SYNTHETIC.items(), *fixture_policies()], harness_packages)


@pytest.fixture(scope="module")
def harness_results() -> tuple[RealAnswers, Expected]:
    _require_node()
    cases, expected = _cases()
    return run_harness(cases), expected


def _cache_control_mismatch(answer: Replayed) -> str | None:
    real_cache = [v for k, v in answer.real["headers"] if k.lower() == "cache-control"]
    if real_cache != [v for k, v in answer.predicted.headers if k == "cache-control"]:
        return f"{answer.where}: Cache-Control {real_cache} != {answer.predicted.headers}"
    return None


def test_model_matches_the_real_fastify_cors_package(harness_results: tuple[RealAnswers, Expected]) -> None:
    results, expected = harness_results
    mismatches, compared = replay_mismatches(results, expected, _cache_control_mismatch)
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 2000
    frameworks = {expected[name][0].framework for name in expected if name not in SYNTHETIC}
    assert frameworks == FASTIFY_CORS
