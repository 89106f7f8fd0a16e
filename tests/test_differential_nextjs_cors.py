"""Differential truth: corslint's nextjs-cors model against the real package.

Every synthetic `cors` policy of tests/test_differential_express.py, read as nextjs-cors
options, and the options corslint extracts from the fixtures that call `NextCors`, go to
tests/node/harness.js ("nextjs-cors" cases): a Next.js-style API route on a plain Node
server that awaits the real `nextjs-cors` (pinned in tests/node/package.json) and answers
200 for whatever it passes on. Status and CORS headers must equal the model's answer.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from corslint.frameworks import framework_of
from corslint.http import Request
from corslint.model import CorsPolicy, UnresolvedValueError
from tests.conftest import FIXTURES, policies_linted_inside
from tests.probe_battery import battery
from tests.test_differential_express import (
    SYNTHETIC,
    known_options,
    replayed,
    require_node_package,
    run_harness,
    wire,
)


def fixture_policies() -> list[tuple[str, CorsPolicy]]:
    found: list[tuple[str, CorsPolicy]] = []
    for project in sorted((FIXTURES / "express").iterdir()):
        if project.is_dir() and project.name.startswith("nextjs_cors"):
            for policy in policies_linted_inside(project, "nextjs_cors"):
                found.append((f"{project.name}:{policy.location.path}:{policy.location.line}", policy))
    return found


def _policies() -> list[tuple[str, CorsPolicy]]:
    synthetic = [
        (name, dataclasses.replace(policy, framework="nextjs_cors")) for name, policy in SYNTHETIC.items()
    ]
    return [*synthetic, *fixture_policies()]


def _cases() -> tuple[list[dict[str, Any]], dict[str, tuple[CorsPolicy, list[Request]]]]:
    cases: list[dict[str, Any]] = []
    expected: dict[str, tuple[CorsPolicy, list[Request]]] = {}
    for name, policy in _policies():
        options = known_options(policy)
        if options is None:
            continue
        requests = battery(policy)
        cases.append(
            {"kind": "nextjs-cors", "name": name, "options": options, "requests": [wire(r) for r in requests]}
        )
        expected[name] = (policy, requests)
    return cases, expected


@pytest.fixture(scope="module")
def harness_results() -> tuple[dict[str, list[dict[str, Any]]], dict[str, tuple[CorsPolicy, list[Request]]]]:
    require_node_package("nextjs-cors")
    cases, expected = _cases()
    return run_harness(cases), expected


def test_model_matches_the_real_nextjs_cors_package(
    harness_results: tuple[dict[str, list[dict[str, Any]]], dict[str, tuple[CorsPolicy, list[Request]]]],
) -> None:
    results, expected = harness_results
    mismatches = [answer.mismatch for answer in replayed(results, expected) if answer.mismatch is not None]
    compared = sum(1 for _ in replayed(results, expected))
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 3000
    assert len([name for name in expected if ":" in name]) >= 3  # the fixtures' policies


def test_the_route_answers_the_preflights_passed_on() -> None:
    """With `preflightContinue` the route's handler answers the preflight: not known here."""
    policy = dataclasses.replace(SYNTHETIC["preflight-continue"], framework="nextjs_cors")
    preflight = Request(
        "OPTIONS", "https://a.example.com", (("access-control-request-method", "PUT"),), path="/"
    )
    with pytest.raises(UnresolvedValueError):
        framework_of(policy).respond(policy, preflight)
    assert (
        framework_of(policy).respond(policy, Request("GET", "https://a.example.com", path="/")).status is None
    )
