"""Differential truth: corslint's model of hapi's CORS against hapi itself.

Edge-case `cors` options and the ones corslint extracts from the fixtures that configure
hapi go to tests/node/harness.js ("hapi-cors" cases): a real hapi server (pinned in
tests/node/package.json) with `routes.cors` set to them and routes for every method on
every path, answering the probe battery. Status and CORS headers must equal the model's
answer header by header.
"""

from __future__ import annotations

from typing import Any

import pytest

from corslint.frameworks.hapi_cors import library_checks
from corslint.http import Request
from corslint.model import CorsPolicy, Location
from tests.conftest import fixture_projects, named_fixture_policies, synthetic_policy
from tests.probe_battery import battery
from tests.test_differential_express import (
    Expected,
    RealAnswers,
    option_cases,
    replay_mismatches,
    require_node_package,
    run_harness,
)

HERE = Location.point("synthetic.js", 1)


def synthetic(**options: Any) -> CorsPolicy:
    return synthetic_policy("hapi_cors", HERE, options)


SYNTHETIC: dict[str, CorsPolicy] = {
    "defaults": synthetic(),
    "star-credentials": synthetic(origin=["*"], credentials=True),
    "ignore": synthetic(origin="ignore", maxAge=60),
    "listed": synthetic(origin=["https://a.example.com", "https://b.example.com"], credentials=True),
    "glob": synthetic(origin=["https://*.example.com", "http://localhost:30??"], headers=["Content-Type"]),
    "additional": synthetic(
        origin=["https://a.example.com"],
        additionalHeaders=["X-Custom", "cache-control"],
        additionalExposedHeaders=["X-Total"],
        preflightStatusCode=204,
    ),
    "no-exposed": synthetic(exposedHeaders=[], headers=["Authorization", "content-type", "X-CUSTOM"]),
    "null-listed": synthetic(origin=["null", "https://a.example.com"]),
}


def fixture_policies() -> list[tuple[str, CorsPolicy]]:
    projects = [project for project in fixture_projects("express") if project.name.startswith("hapi_")]
    return [(name, policy) for name, policy, _ in named_fixture_policies(projects, {"hapi_cors"})]


def _requests(policy: CorsPolicy) -> list[Request]:
    """The battery, and OPTIONS requests that are no preflight."""
    return [
        *battery(policy),
        Request("OPTIONS", "https://a.example.com", path=policy.probe_path),
        Request("OPTIONS", None, (("access-control-request-method", "PUT"),), path=policy.probe_path),
        Request(
            "OPTIONS",
            "https://a.example.com",
            (
                ("access-control-request-method", "GET"),
                ("access-control-request-headers", "Origin, Accept"),
            ),
            path=policy.probe_path,
        ),
    ]


@pytest.fixture(scope="module")
def harness_results() -> tuple[RealAnswers, Expected]:
    require_node_package("@hapi/hapi")
    # a policy hapi refuses at startup (library_checks) starts no server to compare
    started = [(name, p) for name, p in [*SYNTHETIC.items(), *fixture_policies()] if not library_checks(p)]
    cases, expected = option_cases("hapi-cors", started, _requests)
    return run_harness(cases), expected


def test_model_matches_hapi(harness_results: tuple[RealAnswers, Expected]) -> None:
    results, expected = harness_results
    mismatches, compared = replay_mismatches(results, expected)
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 1000
    assert len([name for name in expected if ":" in name]) >= 3  # the fixtures' policies


def test_star_beside_other_origins_stops_the_server() -> None:
    policy = synthetic(origin=["*", "https://a.example.com"])
    assert [check.code for check in library_checks(policy)] == ["hapi startup assertion"]
