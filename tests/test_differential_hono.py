"""Differential truth: corslint's model of Hono's cors middleware against the real one.

The options corslint extracts from every Hono fixture (plus edge-case policies) go to
tests/node/harness.js ("hono-cors" cases): Hono's `cors` (hono pinned in
tests/node/package.json) mounted on the fixture's path pattern in front of JSON routes for
every method. Status and CORS headers must equal the model's answer header by header, and
a path outside the pattern must get no CORS headers, as `answers` says.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from corslint.frameworks import framework_of
from corslint.frameworks.hono_cors import answers, library_checks, probe_path
from corslint.http import Request
from corslint.model import CorsPolicy, Location, OriginFunction, Regex, UnresolvedValueError, Value
from tests.conftest import fixture_projects, named_fixture_policies, synthetic_policy
from tests.probe_battery import battery, cors_headers
from tests.test_differential_express import (
    Expected,
    RealAnswers,
    answer_mismatch,
    handler_source,
    known_options,
    require_node_package,
    run_harness,
    wire,
)

HERE = Location.point("synthetic.js", 1)
OUTSIDE = "/elsewhere/x"


def _require_node() -> None:
    require_node_package("hono")


def synthetic(scope: str = "", **options: Any) -> CorsPolicy:
    return synthetic_policy("hono_cors", HERE, options, scope=scope, probe_path=probe_path(scope))


def _function(kind: str, *allowed: Any) -> OriginFunction:
    return OriginFunction(kind, tuple(Value(item, HERE) for item in allowed), no_origin="reject")


SYNTHETIC: dict[str, CorsPolicy] = {
    "defaults": synthetic(),
    "scoped-defaults": synthetic("/api/*"),
    "star-credentials": synthetic(origin="*", credentials=True, exposeHeaders=["X-Total", "X-Page"]),
    "exact-string": synthetic("/v1/:tenant/*", origin="https://a.example.com", maxAge=0),
    "array": synthetic(origin=["https://a.example.com", "*"], credentials=True, allowHeaders=["*"]),
    "regex-throws": synthetic(origin=Regex(r"\.example\.com$")),
    "true-throws": synthetic(origin=True, credentials=True),
    "null-throws": synthetic(origin=None),
    "methods-empty": synthetic(allowMethods=[], allowHeaders=["Content-Type", "Authorization"]),
    "methods-string": synthetic(allowMethods="GET,POST", maxAge=86400),
    "expose-empty": synthetic(exposeHeaders=[], credentials=False),
    "function-reflect": synthetic(origin=_function("reflect-all"), credentials=True),
    "function-deny": synthetic(origin=_function("deny-all"), exposeHeaders=["X-Id"]),
    "function-list": synthetic(
        "/api/*",
        origin=_function("allow-list", "https://a.example.com", Regex(r"\.example\.org$")),
        credentials=True,
    ),
}


def fixture_policies() -> list[tuple[str, CorsPolicy, Path]]:
    return named_fixture_policies(fixture_projects("hono"), {"hono_cors", "hono_headers"})


def _cases() -> tuple[list[dict[str, Any]], Expected]:
    cases: list[dict[str, Any]] = []
    expected: Expected = {}
    entries = [(name, policy, None) for name, policy in SYNTHETIC.items()] + fixture_policies()
    for name, policy, project in entries:
        requests = battery(policy)
        case: dict[str, Any]
        if policy.framework == "hono_headers":  # the fixture's own middleware
            assert project is not None
            source = handler_source(policy, project)
            if source is None:
                continue
            case = {"kind": "hono", "preamble": source[0], "source": source[1]}
        else:
            options = known_options(policy)
            if options is None:
                continue
            case = {"kind": "hono-cors", "options": options}
        if policy.scope:
            requests.append(Request("GET", "https://a.example.com", path=OUTSIDE))
            case["mount"] = policy.scope
        case |= {"name": name, "requests": [wire(r) for r in requests]}
        cases.append(case)
        expected[name] = (policy, requests)
    return cases, expected


@pytest.fixture(scope="module")
def harness_results() -> tuple[RealAnswers, Expected]:
    _require_node()
    cases, expected = _cases()
    return run_harness(cases), expected


def test_model_matches_the_real_hono_cors_middleware(
    harness_results: tuple[RealAnswers, Expected],
) -> None:
    results, expected = harness_results
    compared = 0
    mismatches: list[str] = []
    for name, (policy, requests) in expected.items():
        respond = framework_of(policy).respond
        for request, real in zip(requests, results[name], strict=True):
            real_headers = cors_headers([(k, v) for k, v in real["headers"]])
            where = f"{name}: {request.method} {request.path} Origin={request.origin} {dict(request.headers)}"
            if not answers(policy, request.path):
                if real_headers or real["status"] != 200:
                    mismatches.append(f"{where}: outside the scope, got {real['status']} {real_headers}")
                continue
            try:
                predicted = respond(policy, request)
            except UnresolvedValueError:
                continue
            status = predicted.status if predicted.status is not None else 200  # the route's answer
            mismatch = answer_mismatch(where, real, predicted, status)
            if mismatch is not None:
                mismatches.append(mismatch)
            compared += 1
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 1000
    from_fixtures = {expected[name][0].framework for name in expected if name not in SYNTHETIC}
    assert len([name for name in expected if name not in SYNTHETIC]) >= 4
    assert from_fixtures == {"hono_cors", "hono_headers"}


@pytest.mark.parametrize(
    ("scope", "path", "answered"),
    [
        ("/api/*", "/api", True),
        ("/api/*", "/api/v1/items", True),
        ("/api/*", "/apix", False),
        ("/v1/:tenant/*", "/v1/acme/items", True),
        ("/v1/:tenant/*", "/v1", False),
        ("", "/anything", True),
    ],
)
def test_scopes_match_as_hono_routes_them(scope: str, path: str, answered: bool) -> None:
    assert answers(synthetic(scope), path) is answered


def test_origins_hono_cannot_read_are_named() -> None:
    assert "RegExp" in library_checks(SYNTHETIC["regex-throws"])[0].message
    assert "`true`" in library_checks(SYNTHETIC["true-throws"])[0].message
    assert library_checks(SYNTHETIC["array"]) == ()
