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
from corslint.model import CorsPolicy, Location, UnresolvedValueError
from tests.conftest import fixture_projects, named_fixture_policies, synthetic_policy
from tests.probe_battery import battery
from tests.test_differential_express import (
    Expected,
    RealAnswers,
    answer_mismatch,
    option_cases,
    require_node_package,
    run_harness,
)

HERE = Location.point("synthetic.js", 1)


def synthetic(**options: Any) -> CorsPolicy:
    return synthetic_policy("micro_cors", HERE, options)


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
    projects = [project for project in fixture_projects("express") if project.name.startswith("micro_cors")]
    return [(name, policy) for name, policy, _ in named_fixture_policies(projects, {"micro_cors"})]


def _requests(policy: CorsPolicy) -> list[Request]:
    """The battery, and an OPTIONS request that is no preflight."""
    return [*battery(policy), Request("OPTIONS", "https://a.example.com", path=policy.probe_path)]


@pytest.fixture(scope="module")
def harness_results() -> tuple[RealAnswers, Expected]:
    require_node_package("micro-cors")
    cases, expected = option_cases("micro-cors", [*SYNTHETIC.items(), *fixture_policies()], _requests)
    return run_harness(cases), expected


def test_model_matches_the_real_micro_cors_package(harness_results: tuple[RealAnswers, Expected]) -> None:
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
