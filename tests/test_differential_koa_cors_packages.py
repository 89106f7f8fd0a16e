"""Differential truth: corslint's models of the other Koa CORS packages (koa2-cors, kcors)
against the real packages on a Koa app.

The options corslint extracts from every Koa fixture that uses one of them (plus edge-case
policies) go to tests/node/harness.js ("koa-cors" cases with "package" naming it), which
mounts the real package (pinned in tests/node/package.json) in front of a last middleware
answering 200, and replays the probe battery. Status and CORS headers must equal the
model's answer header by header.
"""

from __future__ import annotations

from typing import Any

import pytest

from corslint.frameworks.kcors import library_checks as kcors_checks
from corslint.frameworks.koa2_cors import library_checks
from corslint.http import Request
from corslint.model import CorsPolicy, Location, OriginFunction, Regex, Value
from tests.conftest import FIXTURES, policies_linted_inside
from tests.probe_battery import battery
from tests.test_differential_express import (
    known_options,
    replayed,
    require_node_package,
    run_harness,
    wire,
)

HERE = Location.point("synthetic.js", 1)


PACKAGES = {"koa2_cors": "koa2-cors", "kcors": "kcors"}  # framework -> npm package


def synthetic(framework: str = "koa2_cors", /, **options: Any) -> CorsPolicy:
    def wrap(raw: Any) -> Value:
        if isinstance(raw, (list, tuple)):
            return Value(tuple(wrap(item) for item in raw), HERE)
        return Value(raw, HERE)

    return CorsPolicy(framework, HERE, {name: wrap(raw) for name, raw in options.items()})


def _function(kind: str, *allowed: Any) -> OriginFunction:
    return OriginFunction(kind, tuple(Value(item, HERE) for item in allowed), no_origin="reject")


SYNTHETIC: dict[str, CorsPolicy] = {
    "defaults-reflect": synthetic(),
    "defaults-credentials": synthetic(credentials=True, maxAge=600),
    "star-credentials": synthetic(origin="*", credentials=True, exposeHeaders=["X-Total", "X-Page"]),
    "fixed-string": synthetic(origin="https://a.example.com", maxAge=0),
    "fixed-string-credentials": synthetic(origin="https://a.example.com", credentials=True, maxAge="86400"),
    "credentials-not-strictly-true": synthetic(credentials="true", allowHeaders=["Content-Type"]),
    "credentials-one": synthetic(origin="https://a.example.com", credentials=1),
    "empty-string-origin": synthetic(origin="", allowMethods=["GET", "POST"]),
    "null-origin-option": synthetic(origin=None, allowMethods=None),
    "array-origin": synthetic(origin=["https://a.example.com", "https://b.example.com"]),
    "regex-origin": synthetic(origin=Regex(r"^https://.*\.example\.com$", "i")),
    "true-origin": synthetic(origin=True, credentials=True),
    "methods-string-throws": synthetic(origin="*", allowMethods="GET,POST"),
    "headers-string-throws": synthetic(allowHeaders="Content-Type, Authorization"),
    "expose-string-throws": synthetic(origin="https://a.example.com", exposeHeaders="X-Id"),
    "empty-arrays": synthetic(allowMethods=[], allowHeaders=[], exposeHeaders=[]),
    "allow-headers-star": synthetic(allowHeaders=["*"], credentials=True, maxAge=[600]),
    "function-reflect": synthetic(origin=_function("reflect-all"), credentials=True),
    "function-deny": synthetic(origin=_function("deny-all"), credentials=True),
    "function-list": synthetic(
        origin=_function("allow-list", "https://a.example.com", Regex(r"\.example\.org$")),
        credentials=True,
        allowHeaders=["Content-Type"],
    ),
    "kcors-defaults-reflect": synthetic("kcors"),
    "kcors-credentials-truthy": synthetic("kcors", credentials="yes", maxAge=600, exposeHeaders=["X-Id"]),
    "kcors-star-credentials": synthetic("kcors", origin="*", credentials=True, allowHeaders="Content-Type"),
    "kcors-fixed": synthetic(
        "kcors", origin="https://a.example.com", allowMethods=["GET", "POST"], maxAge="0"
    ),
    "kcors-empty-arrays": synthetic("kcors", allowMethods=[], allowHeaders=[], exposeHeaders=[], maxAge=0),
    "kcors-array-origin": synthetic("kcors", origin=["https://a.example.com", "https://b.example.com"]),
    "kcors-regex-true": synthetic("kcors", origin=Regex(r"^https://a\.example\.com$"), credentials=1),
    "kcors-no-keep": synthetic("kcors", origin=True, keepHeadersOnError=False),
    "kcors-function-list": synthetic(
        "kcors", origin=_function("allow-list", "https://a.example.com"), credentials=True
    ),
    "kcors-function-deny": synthetic("kcors", origin=_function("deny-all")),
}


def fixture_policies() -> list[tuple[str, CorsPolicy]]:
    found: list[tuple[str, CorsPolicy]] = []
    for project in sorted((FIXTURES / "koa").iterdir()):
        if project.is_dir():
            for framework in PACKAGES:
                for policy in policies_linted_inside(project, framework):
                    found.append((f"{project.name}:{policy.location.path}:{policy.location.line}", policy))
    return found


def _cases() -> tuple[list[dict[str, Any]], dict[str, tuple[CorsPolicy, list[Request]]]]:
    cases: list[dict[str, Any]] = []
    expected: dict[str, tuple[CorsPolicy, list[Request]]] = {}
    for name, policy in [*SYNTHETIC.items(), *fixture_policies()]:
        options = known_options(policy)
        if options is None:
            continue
        requests = battery(policy)
        requests.append(Request("OPTIONS", "https://a.example.com", path=policy.probe_path))
        cases.append(
            {
                "kind": "koa-cors",
                "package": PACKAGES[policy.framework],
                "name": name,
                "options": options,
                "requests": [wire(r) for r in requests],
            }
        )
        expected[name] = (policy, requests)
    return cases, expected


@pytest.fixture(scope="module")
def harness_results() -> tuple[dict[str, list[dict[str, Any]]], dict[str, tuple[CorsPolicy, list[Request]]]]:
    for package in PACKAGES.values():
        require_node_package(package)
    cases, expected = _cases()
    return run_harness(cases), expected


def test_models_match_the_real_koa_cors_packages(
    harness_results: tuple[dict[str, list[dict[str, Any]]], dict[str, tuple[CorsPolicy, list[Request]]]],
) -> None:
    results, expected = harness_results
    compared = 0
    mismatches: list[str] = []
    for answer in replayed(results, expected):
        if answer.mismatch is not None:
            mismatches.append(answer.mismatch)
        compared += 1
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 1500
    from_fixtures = [policy.framework for name, (policy, _) in expected.items() if name not in SYNTHETIC]
    assert from_fixtures.count("koa2_cors") >= 3 and from_fixtures.count("kcors") >= 1


def test_library_checks_name_the_package() -> None:
    assert "koa2-cors does not read an array" in library_checks(SYNTHETIC["array-origin"])[0].message
    assert library_checks(SYNTHETIC["fixed-string"]) == ()
    assert "kcors does not read an array" in kcors_checks(SYNTHETIC["kcors-array-origin"])[0].message
