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
from corslint.model import CorsPolicy, Location, Value
from tests.conftest import FIXTURES, policies_linted_inside
from tests.probe_battery import battery
from tests.test_differential_express import known_options, replayed, require_node_package, run_harness, wire

HERE = Location.point("synthetic.js", 1)


def synthetic(**options: Any) -> CorsPolicy:
    def wrap(raw: Any) -> Value:
        if isinstance(raw, (list, tuple)):
            return Value(tuple(wrap(item) for item in raw), HERE)
        return Value(raw, HERE)

    return CorsPolicy("hapi_cors", HERE, {name: wrap(raw) for name, raw in options.items()})


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
    found: list[tuple[str, CorsPolicy]] = []
    for project in sorted((FIXTURES / "express").iterdir()):
        if project.is_dir() and project.name.startswith("hapi_"):
            for policy in policies_linted_inside(project, "hapi_cors"):
                found.append((f"{project.name}:{policy.location.path}:{policy.location.line}", policy))
    return found


def _cases() -> tuple[list[dict[str, Any]], dict[str, tuple[CorsPolicy, list[Request]]]]:
    cases: list[dict[str, Any]] = []
    expected: dict[str, tuple[CorsPolicy, list[Request]]] = {}
    for name, policy in [*SYNTHETIC.items(), *fixture_policies()]:
        options = known_options(policy)
        if options is None or library_checks(policy):
            continue
        requests = battery(policy)
        requests += [
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
        cases.append(
            {"kind": "hapi-cors", "name": name, "options": options, "requests": [wire(r) for r in requests]}
        )
        expected[name] = (policy, requests)
    return cases, expected


@pytest.fixture(scope="module")
def harness_results() -> tuple[dict[str, list[dict[str, Any]]], dict[str, tuple[CorsPolicy, list[Request]]]]:
    require_node_package("@hapi/hapi")
    cases, expected = _cases()
    return run_harness(cases), expected


def test_model_matches_hapi(
    harness_results: tuple[dict[str, list[dict[str, Any]]], dict[str, tuple[CorsPolicy, list[Request]]]],
) -> None:
    results, expected = harness_results
    mismatches = [answer.mismatch for answer in replayed(results, expected) if answer.mismatch is not None]
    assert not mismatches, "\n".join(mismatches[:20])
    assert sum(1 for _ in replayed(results, expected)) > 1000
    assert len([name for name in expected if ":" in name]) >= 3  # the fixtures' policies


def test_star_beside_other_origins_stops_the_server() -> None:
    policy = synthetic(origin=["*", "https://a.example.com"])
    assert [check.code for check in library_checks(policy)] == ["hapi startup assertion"]
