"""Differential truth for `fastify-cors` 6.x, the package's name before @fastify/cors, which
corslint models as @fastify/cors 7 (`frameworks.fastify_cors_versions`).

The real fastify-cors 6.1.0 (fastify-cors-deprecated 6.0.3 inside) runs on fastify 3.29.5
(npm aliases `fastify-cors-6` / `fastify-3` in tests/node). It answers the probe battery of
every synthetic and fixture policy of test_differential_fastify, judged as major 7, and of
the fastify-cors fixtures themselves; status and CORS headers must match header by header.
Options 6.x does not read (`delegator`, `hook`, `cacheControl`) are left out: the extractor
leaves such a registration's options unknown.

The routes are served by a plugin registered before the CORS plugin ("routesPluginFirst"):
on fastify 3 as on fastify 5, the routes of a plugin registered before the CORS plugin still
get its headers (fastify loads plugins in order, and routes take their hooks when the app is
ready), so the model, which ignores that order, must match both (heldout9's
fastify-service/app.js registers its routes first).
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

import pytest

from corslint.frameworks.fastify_cors_versions import VERSION_OPTION, version_value
from corslint.http import Request
from corslint.model import CorsPolicy
from tests.conftest import FIXTURES, run_lint
from tests.probe_battery import battery
from tests.test_differential_express import replayed, require_node_package, run_harness, wire
from tests.test_differential_fastify import SYNTHETIC, fixture_policies, harness_options

PACKAGE, FASTIFY = "fastify-cors-6", "fastify-3"
LEGACY_MAJOR = 7  # the @fastify/cors major that republished fastify-cors 6.x
NOT_READ_BY_6 = frozenset({"delegator", "hook", "cacheControl", "logLevel"})
Expected = dict[str, tuple[CorsPolicy, list[Request]]]


def _as_legacy(policy: CorsPolicy) -> CorsPolicy:
    version = version_value(LEGACY_MAJOR, policy.location, "test")
    return dataclasses.replace(
        policy, framework="fastify_cors_legacy", options={**policy.options, VERSION_OPTION: version}
    )


def _legacy_fixture_policies() -> list[tuple[str, CorsPolicy]]:
    found: list[tuple[str, CorsPolicy]] = []
    for project in sorted((FIXTURES / "fastify").glob("legacy_fastify_cors*")):
        cwd = Path.cwd()
        os.chdir(project)
        try:
            policies = run_lint(Path(".")).policies
        finally:
            os.chdir(cwd)
        found += [
            (f"{project.name}:{policy.location.path}:{policy.location.line}", policy)
            for policy in policies
            if policy.framework == "fastify_cors_legacy"
        ]
    return found


def _cases() -> tuple[list[dict[str, Any]], Expected]:
    cases: list[dict[str, Any]] = []
    expected: Expected = {}
    scoped = [(name, _as_legacy(policy)) for name, policy in [*SYNTHETIC.items(), *fixture_policies()]]
    for name, policy in [*scoped, *_legacy_fixture_policies()]:
        if NOT_READ_BY_6 & policy.options.keys():
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
                "routesPluginFirst": True,
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


def test_fastify_cors_6_matches_the_model_as_major_7(
    real_answers: tuple[dict[str, list[dict[str, Any]]], Expected],
) -> None:
    results, expected = real_answers
    assert any(name.startswith("legacy_fastify_cors6") for name in expected)
    compared = 0
    mismatches: list[str] = []
    for answer in replayed(results, expected):
        compared += 1
        if answer.mismatch is not None:
            mismatches.append(answer.mismatch)
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 2000


def test_routes_registered_before_the_cors_plugin_get_its_headers_on_fastify_5() -> None:
    require_node_package("@fastify/cors")
    policy = SYNTHETIC["star-credentials"]
    requests = battery(policy, ("GET", "PUT", "DELETE"))
    case = {"kind": "fastify-cors", "name": "first", "options": harness_options(policy)}
    results = run_harness([{**case, "requests": [wire(r) for r in requests], "routesPluginFirst": True}])
    answers = list(replayed(results, {"first": (policy, requests)}))
    assert answers and all(answer.mismatch is None for answer in answers)
