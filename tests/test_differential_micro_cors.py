"""Differential truth: corslint's micro-cors model against the real package.

Edge-case options and the options corslint extracts from the fixtures that call
micro-cors go to tests/node/harness.js ("micro-cors" cases): the real `micro-cors` (pinned
in tests/node/package.json) wraps a handler answering 200 to every request. What the
wrapper sends before the handler runs (`before_handler`; the handler's 200 where it
answers) must equal the real answer header by header, OPTIONS requests included, and
`respond` must leave the handler's answer to a preflight unresolved.
"""

from __future__ import annotations

from typing import Any

import pytest

from corslint.frameworks.micro_cors import before_handler, respond
from corslint.http import Request
from corslint.model import CorsPolicy, Location, UnresolvedValueError, Value
from tests.conftest import FIXTURES, policies_linted_inside
from tests.probe_battery import battery
from tests.test_differential_express import (
    answer_mismatch,
    known_options,
    require_node_package,
    run_harness,
    wire,
)

HERE = Location.point("synthetic.js", 1)


def synthetic(**options: Any) -> CorsPolicy:
    def wrap(raw: Any) -> Value:
        if isinstance(raw, (list, tuple)):
            return Value(tuple(wrap(item) for item in raw), HERE)
        return Value(raw, HERE)

    return CorsPolicy("micro_cors", HERE, {name: wrap(raw) for name, raw in options.items()})


SYNTHETIC: dict[str, CorsPolicy] = {
    "defaults": synthetic(),
    "fixed-no-credentials": synthetic(origin="https://a.example.com", allowCredentials=False),
    "fixed-credentials-max-age": synthetic(origin="https://a.example.com", maxAge=600),
    "array-origin": synthetic(origin=["https://a.example.com", "https://b.example.com"]),
    "credentials-falsy-string": synthetic(allowCredentials="", exposeHeaders=["X-Total", "X-Page"]),
    "credentials-zero": synthetic(allowCredentials=0, maxAge="0"),
    "lists-empty": synthetic(allowMethods=[], allowHeaders=[], exposeHeaders=[]),
    "methods-string-throws": synthetic(allowMethods="GET,POST"),
    "headers-string-throws": synthetic(allowHeaders="Content-Type"),
    "expose-string-throws": synthetic(exposeHeaders="X-Id"),
    "expose-empty-string": synthetic(exposeHeaders=""),
    "expose-null-throws": synthetic(exposeHeaders=None),
    "origin-null-text": synthetic(origin=None),
    "origin-true": synthetic(origin=True, allowCredentials=True),
    "max-age-float": synthetic(maxAge=600.5, allowHeaders=["*"]),
}


def fixture_policies() -> list[tuple[str, CorsPolicy]]:
    found: list[tuple[str, CorsPolicy]] = []
    for project in sorted((FIXTURES / "express").iterdir()):
        if project.is_dir() and project.name.startswith("micro_cors"):
            for policy in policies_linted_inside(project, "micro_cors"):
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
            {"kind": "micro-cors", "name": name, "options": options, "requests": [wire(r) for r in requests]}
        )
        expected[name] = (policy, requests)
    return cases, expected


@pytest.fixture(scope="module")
def harness_results() -> tuple[dict[str, list[dict[str, Any]]], dict[str, tuple[CorsPolicy, list[Request]]]]:
    require_node_package("micro-cors")
    cases, expected = _cases()
    return run_harness(cases), expected


def test_model_matches_the_real_micro_cors_package(
    harness_results: tuple[dict[str, list[dict[str, Any]]], dict[str, tuple[CorsPolicy, list[Request]]]],
) -> None:
    results, expected = harness_results
    mismatches: list[str] = []
    compared = 0
    for name, (policy, requests) in expected.items():
        for request, real in zip(requests, results[name], strict=True):
            predicted = before_handler(policy, request)
            status = predicted.status if predicted.status is not None else 200  # the handler's
            where = f"{name}: {request.method} Origin={request.origin} {dict(request.headers)}"
            mismatch = answer_mismatch(where, real, predicted, status)
            if mismatch is not None:
                mismatches.append(mismatch)
            compared += 1
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 1000
    assert len([name for name in expected if ":" in name]) >= 2  # the fixtures' policies


def test_the_handler_answers_options_requests() -> None:
    preflight = Request("OPTIONS", "https://a.example.com", (("access-control-request-method", "PUT"),))
    with pytest.raises(UnresolvedValueError):
        respond(SYNTHETIC["defaults"], preflight)
    assert respond(SYNTHETIC["methods-string-throws"], preflight).status == 500
    actual = respond(SYNTHETIC["defaults"], Request("GET", "https://a.example.com"))
    assert actual.status is None and dict(actual.headers)["access-control-allow-credentials"] == "true"
