"""Differential truth for each @fastify/cors major: 8.5.0 and 9.0.1 on fastify 4.29.1, 10.1.0
and 11.4.3 on fastify 5 (npm aliases in tests/node: fastify-cors-8 ...).

Every synthetic and fixture policy of test_differential_fastify is judged as each major
(its `$version`), and the real package of that major answers the same probe battery:
status and CORS headers must match header by header. A policy whose major is unknown
must agree with every major wherever the model answers at all.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from corslint.frameworks.fastify_cors_versions import VERSION_OPTION, release_of, version_value
from corslint.http import Request, Response
from corslint.model import CorsPolicy
from tests.test_differential_express import replayed, require_node_package, run_harness
from tests.test_differential_fastify import _cases

# major -> (the package alias, the fastify it runs on); 11 is the harness's own pair
HARNESS_PACKAGES: dict[int, tuple[str, str]] = {
    8: ("fastify-cors-8", "fastify-4"),
    9: ("fastify-cors-9", "fastify-4"),
    10: ("fastify-cors-10", "fastify"),
    11: ("@fastify/cors", "fastify"),
}
Expected = dict[str, tuple[CorsPolicy, list[Request]]]


def harness_packages(policy: CorsPolicy) -> dict[str, str]:
    """The case fields that make the harness run the policy's own major (none: 11)."""
    major = release_of(policy).major
    if major is None or major not in HARNESS_PACKAGES or major == 11:
        return {}
    package, fastify = HARNESS_PACKAGES[major]
    return {"package": package, "fastify": fastify}


def _as_major(policy: CorsPolicy, major: int | None) -> CorsPolicy:
    version = version_value(major, policy.location, "test")
    return dataclasses.replace(policy, options={**policy.options, VERSION_OPTION: version})


def _run(major: int) -> tuple[dict[str, list[dict[str, Any]]], Expected]:
    package, fastify = HARNESS_PACKAGES[major]
    cases, expected = _cases()
    for case in cases:
        case.update(package=package, fastify=fastify)
        case["options"].pop(VERSION_OPTION, None)
    return run_harness(cases), expected


@pytest.fixture(scope="module")
def real_answers() -> dict[int, tuple[dict[str, list[dict[str, Any]]], Expected]]:
    for package, fastify in HARNESS_PACKAGES.values():
        require_node_package(package)
        require_node_package(fastify)
    return {major: _run(major) for major in HARNESS_PACKAGES}


def _mismatches(
    results: dict[str, list[dict[str, Any]]], expected: Expected, major: int | None
) -> tuple[list[str], int]:
    mismatches: list[str] = []
    compared = 0
    as_major = {name: (_as_major(policy, major), requests) for name, (policy, requests) in expected.items()}
    for answer in replayed(results, as_major):
        compared += 1
        if answer.mismatch is not None and not (
            major is None and _same_verdict(answer.real, answer.predicted, answer.request)
        ):
            mismatches.append(answer.mismatch)
    return mismatches, compared


def _same_verdict(real: dict[str, Any], predicted: Response, request: Request) -> bool:
    """What an unknown major may differ in: Vary (8.x adds Origin to every answer) and the
    default Allow-Methods text, as long as the requested method (GET, HEAD or POST: the
    model answers no other under an unknown default) is allowed by both."""
    if real["status"] != (predicted.status if predicted.status is not None else 200):
        return False
    actual = {k.lower(): v for k, v in real["headers"] if k.lower().startswith("access-control-")}
    model = {k: v for k, v in predicted.headers if k.startswith("access-control-")}
    real_methods = actual.pop("access-control-allow-methods", None)
    model_methods = model.pop("access-control-allow-methods", None)
    if actual != model or (real_methods is None) != (model_methods is None):
        return False
    requested = request.header("access-control-request-method") or ""
    return real_methods == model_methods or (
        requested in _listed(real_methods) and requested in _listed(model_methods)
    )


def _listed(methods: str | None) -> list[str]:
    return [method.strip() for method in (methods or "").split(",")]


@pytest.mark.parametrize("major", sorted(HARNESS_PACKAGES))
def test_each_major_matches_its_real_package(
    real_answers: dict[int, tuple[dict[str, list[dict[str, Any]]], Expected]], major: int
) -> None:
    results, expected = real_answers[major]
    mismatches, compared = _mismatches(results, expected, major)
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 2000


def test_an_unknown_major_answers_only_what_every_major_agrees_on(
    real_answers: dict[int, tuple[dict[str, list[dict[str, Any]]], Expected]],
) -> None:
    unresolved = 0
    for major, (results, expected) in real_answers.items():
        mismatches, compared = _mismatches(results, expected, None)
        assert not mismatches, f"@fastify/cors {major}:\n" + "\n".join(mismatches[:20])
        assert compared > 1000
        unresolved = sum(len(requests) for _, requests in expected.values()) - compared
    assert unresolved > 0  # PUT/PATCH/DELETE preflights under the default methods
