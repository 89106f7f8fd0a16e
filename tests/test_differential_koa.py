"""Differential truth: corslint's @koa/cors model against the real package on a Koa app.

The options corslint extracts from every Koa fixture (plus edge-case policies) go to
tests/node/harness.js ("koa-cors" cases), which mounts the real `@koa/cors` (pinned in
tests/node/package.json) in front of a last middleware answering 200, and replays the
probe battery. Status and CORS headers must equal the model's answer header by header.
"""

from __future__ import annotations

from typing import Any

import pytest

from corslint.frameworks.koa_cors import library_checks
from corslint.frameworks.package_majors import recorded_major
from corslint.model import CorsPolicy, Location, OriginFunction, Regex, Value
from tests.conftest import fixture_projects, named_fixture_policies, synthetic_policy
from tests.test_differential_express import (
    Expected,
    RealAnswers,
    Replayed,
    option_cases,
    replay_mismatches,
    require_node_package,
    run_harness,
)

HERE = Location.point("synthetic.js", 1)


def _require_node() -> None:
    require_node_package("@koa/cors")


def synthetic(**options: Any) -> CorsPolicy:
    return synthetic_policy("koa_cors", HERE, options)


def _function(kind: str, *allowed: Any) -> OriginFunction:
    return OriginFunction(kind, tuple(Value(item, HERE) for item in allowed), no_origin="reject")


SYNTHETIC: dict[str, CorsPolicy] = {
    "defaults": synthetic(),
    "credentials-default-origin": synthetic(credentials=True),
    "star-credentials": synthetic(origin="*", credentials=True, exposeHeaders=["X-Total", "X-Page"]),
    "fixed-string": synthetic(origin="https://a.example.com", maxAge=0),
    "fixed-string-credentials": synthetic(origin="https://a.example.com", credentials=True, maxAge="600"),
    "empty-string-origin": synthetic(origin="", allowMethods="GET,POST"),
    "null-origin-option": synthetic(origin=None, credentials=1),
    "array-origin": synthetic(origin=["https://a.example.com", "https://b.example.com"]),
    "array-one-origin": synthetic(origin=["https://a.example.com"], credentials=True),
    "regex-origin": synthetic(origin=Regex(r"^https://.*\.example\.com$", "i")),
    "regex-slash-in-class": synthetic(origin=Regex(r"^https:\/\/[/a-z]+$"), credentials=True),
    "true-origin": synthetic(origin=True, credentials=True),
    "allow-headers-array": synthetic(allowHeaders=["Content-Type", "Authorization"], maxAge=86400),
    "allow-headers-star": synthetic(allowHeaders="*", credentials=True, allowMethods=[]),
    "allow-headers-empty": synthetic(allowHeaders=[], exposeHeaders=""),
    "methods-array": synthetic(allowMethods=["GET", "PUT"], exposeHeaders="X-Id"),
    "secure-context": synthetic(secureContext=True, privateNetworkAccess=True, keepHeadersOnError=False),
    "function-reflect": synthetic(origin=_function("reflect-all"), credentials=True),
    "function-deny": synthetic(origin=_function("deny-all"), credentials=True),
    "function-list": synthetic(
        origin=_function("allow-list", "https://a.example.com", Regex(r"\.example\.org$")),
        credentials=True,
        allowHeaders=["Content-Type"],
    ),
    "function-list-null": synthetic(origin=_function("allow-list", "null", "https://a.example.com")),
}


def fixture_policies() -> list[tuple[str, CorsPolicy]]:
    found = named_fixture_policies(fixture_projects("koa"), {"koa_cors"})
    # a project pinning 3.x or 4.x: test_differential_koa_cors_majors replays it on that major
    return [(name, policy) for name, policy, _ in found if recorded_major(policy) in {None, 5}]


@pytest.fixture(scope="module")
def harness_results() -> tuple[RealAnswers, Expected]:
    _require_node()
    cases, expected = option_cases("koa-cors", [*SYNTHETIC.items(), *fixture_policies()])
    return run_harness(cases), expected


def _secure_context_mismatch(answer: Replayed) -> str | None:
    secure = {k.lower(): v for k, v in answer.real["headers"] if k.lower().startswith("cross-origin-")}
    if secure != {k: v for k, v in answer.predicted.headers if k.startswith("cross-origin-")}:
        return f"{answer.where}: {secure} != {answer.predicted.headers}"
    return None


def test_model_matches_the_real_koa_cors_package(harness_results: tuple[RealAnswers, Expected]) -> None:
    results, expected = harness_results
    mismatches, compared = replay_mismatches(results, expected, _secure_context_mismatch)
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 1500
    from_fixtures = [name for name in expected if name not in SYNTHETIC]
    assert len(from_fixtures) >= 5


def test_library_checks_name_the_origins_koa_cannot_read() -> None:
    assert [check.concerns for check in library_checks(SYNTHETIC["array-origin"])] == ["origins"]
    assert "RegExp" in library_checks(SYNTHETIC["regex-origin"])[0].message
    assert "`true`" in library_checks(SYNTHETIC["true-origin"])[0].message
    assert library_checks(SYNTHETIC["array-one-origin"]) == ()
    assert library_checks(SYNTHETIC["fixed-string"]) == ()
