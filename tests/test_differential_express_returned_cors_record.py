"""Differential truth for Express answers whose CORS headers come from a helper's returned
record, spread into `res.set({...})` in a multi-line chain (`res\\n .status(...)\\n
.set({ ...result.headers, ...corsHeaders() })`): SWEEP13 M4, wmfarooqi05/aws-serverless-app
`src/utils/express.ts` over `src/libs/api-gateway.ts`. The fixture
express/helper_returned_cors_record_spread runs with the pinned express 5.3.0 of tests/node
(tests/node/entry_app_harness.mjs): every routed answer carries `Access-Control-Allow-Origin:
*`, whatever the status (200, 201); corslint's policy (CORS105 at the helper's record) must
answer the same."""

from __future__ import annotations

from typing import Any

from corslint.frameworks import framework_of
from corslint.http import Request
from tests.conftest import FIXTURES, policies_linted_inside, run_lint
from tests.test_differential_express import require_node_package
from tests.test_differential_imported_app_order import entry_answers

PROJECT = FIXTURES / "express" / "helper_returned_cors_record_spread"
ORIGINS = ("https://evil.example", "https://desk.example.org")


def _values(real: dict[str, Any], name: str) -> list[str]:
    return [value for key, value in real["headers"] if key.lower() == name]


def test_the_spread_record_is_on_every_routed_answer() -> None:
    require_node_package("express")
    requests = [
        Request(method, origin, path=path)
        for origin in ORIGINS
        for method, path in (("GET", "/parcels/4"), ("POST", "/parcels"))
    ]
    real = entry_answers(PROJECT, "server.js", requests)
    (policy,) = policies_linted_inside(PROJECT, "express_helper_headers")
    for request, answer in zip(requests, real, strict=True):
        assert answer["status"] in {200, 201}, answer
        assert _values(answer, "access-control-allow-origin") == ["*"], answer
        predicted = framework_of(policy).respond(policy, request)
        assert predicted.get("access-control-allow-origin") == "*", (request, predicted)
    findings = run_lint(PROJECT).findings
    assert sorted((f.rule_id, f.location.path.rsplit("/", 1)[-1], f.location.line) for f in findings) == [
        ("CORS105", "gateway.js", 4)
    ]
