"""Differential truth for `fastify-cors` 3.x on fastify 2, the package before @fastify/cors,
modelled on its own code path (`frameworks.fastify_cors3`).

The real fastify-cors 3.0.3 runs on fastify 2.15.3 (npm aliases `fastify-cors-3` /
`fastify-2` in tests/node). It answers the probe battery of every synthetic and fixture
policy of test_differential_fastify, judged as fastify-cors 3, and of the fastify-cors 3
fixtures themselves; status and CORS headers must match header by header. Options 3.x
does not have (`delegator`, `hook`, `cacheControl`, `logLevel`) are left out: the extractor
leaves such a registration's options unknown. So are /g and /y origin RegExps (`_stateful`).
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

import pytest

from corslint.frameworks.fastify_cors_versions import FASTIFY2_MAJOR, VERSION_OPTION, version_value
from corslint.http import Request
from corslint.model import CorsPolicy, Regex
from tests.conftest import FIXTURES, run_lint
from tests.probe_battery import battery
from tests.test_differential_express import replayed, require_node_package, run_harness, wire
from tests.test_differential_fastify import SYNTHETIC, fixture_policies, harness_options

PACKAGE, FASTIFY = "fastify-cors-3", "fastify-2"
FRAMEWORK = "fastify_cors_3"
NOT_READ_BY_3 = frozenset({"delegator", "hook", "cacheControl", "logLevel"})
Expected = dict[str, tuple[CorsPolicy, list[Request]]]


def _as_fastify2(policy: CorsPolicy) -> CorsPolicy:
    version = version_value(FASTIFY2_MAJOR, policy.location, "test")
    return dataclasses.replace(
        policy, framework=FRAMEWORK, options={**policy.options, VERSION_OPTION: version}
    )


def _own_fixture_policies() -> list[tuple[str, CorsPolicy]]:
    found: list[tuple[str, CorsPolicy]] = []
    for project in sorted((FIXTURES / "fastify").glob("legacy_fastify_cors3*")):
        cwd = Path.cwd()
        os.chdir(project)
        try:
            policies = run_lint(Path(".")).policies
        finally:
            os.chdir(cwd)
        found += [
            (f"{project.name}:{policy.location.path}:{policy.location.line}", policy)
            for policy in policies
            if policy.framework == FRAMEWORK
        ]
    return found


def _stateful(policy: CorsPolicy) -> bool:
    """A /g or /y origin RegExp: 3.x never resets its `lastIndex`, so the answer depends on
    the requests before (CORS306 reports it); the model answers each request afresh."""
    origin = policy.option("origin")
    if origin is None or not origin.known:
        return False
    plain = origin.plain()
    entries = plain if isinstance(plain, tuple) else (plain,)
    return any(isinstance(entry, Regex) and {"g", "y"} & set(entry.flags) for entry in entries)


def _cases() -> tuple[list[dict[str, Any]], Expected]:
    cases: list[dict[str, Any]] = []
    expected: Expected = {}
    synthetic = [(name, _as_fastify2(policy)) for name, policy in [*SYNTHETIC.items(), *fixture_policies()]]
    for name, policy in [*synthetic, *_own_fixture_policies()]:
        if NOT_READ_BY_3 & policy.options.keys() or _stateful(policy):
            continue
        options = harness_options(policy)
        if options is None:
            continue
        requests = battery(policy, tuple(m for route in policy.routes or () for m in route.methods))
        cases.append(
            {
                "kind": "fastify-cors",
                "name": name,
                "options": options,
                "requests": [wire(r) for r in requests],
                "package": PACKAGE,
                "fastify": FASTIFY,
            }
        )
        expected[name] = (policy, requests)
    return cases, expected


@pytest.fixture(scope="module")
def real_answers() -> tuple[dict[str, list[dict[str, Any]]], Expected]:
    require_node_package(PACKAGE)
    require_node_package(FASTIFY)
    cases, expected = _cases()
    return run_harness(cases), expected


def test_fastify_cors_3_on_fastify_2_matches_the_model(
    real_answers: tuple[dict[str, list[dict[str, Any]]], Expected],
) -> None:
    results, expected = real_answers
    assert any(name.startswith("legacy_fastify_cors3") for name in expected)
    compared = 0
    mismatches: list[str] = []
    for answer in replayed(results, expected):
        compared += 1
        if answer.mismatch is not None:
            mismatches.append(answer.mismatch)
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 2000
