"""Differential truth for CORS303 on a hand-written header middleware (`app.use((req, res,
next) => { res.header("Access-Control-...") ... })`) added in an entry module to an app that
the imported module already routed (`imported_app_order.imported_app_misordered`, called by
`handwritten.py` with "headers", as for `cors()`).

The fixture runs as `node src/server.js` would run it, with the pinned express of tests/node
(tests/node/entry_app_harness.mjs): the imported module's routes answer without any CORS
header, and a preflight for a route of its mounted router gets the router's own OPTIONS
answer without one, which is what CORS303 says; requests no route matches reach the
middleware and get the model's answer.
"""

from __future__ import annotations

import pytest

from corslint.frameworks import framework_of
from corslint.http import Request
from tests.conftest import FIXTURES, policies_linted_inside
from tests.test_differential_express import answer_mismatch, require_node_package
from tests.test_differential_imported_app_order import entry_answers

FIXTURE = FIXTURES / "express" / "handwritten_in_entry_after_imported_app_routes"
ROUTED = (
    ("GET", "/api/tickets"),
    ("PUT", "/api/tickets/4"),
    ("DELETE", "/api/tickets/4"),
    ("GET", "/api/queues"),
)
ROUTER_PATHS = ("/api/tickets", "/api/tickets/4")
ORIGINS = ("https://desk.helpdesk.example.org", "https://evil.example")


def _requests() -> list[Request]:
    requests = []
    for origin in ORIGINS:
        for method, path in ROUTED:
            requests.append(Request(method, origin, path=path, credentials=True))
        for path in ROUTER_PATHS:
            for method in ("PUT", "DELETE"):
                preflight = (
                    ("access-control-request-method", method),
                    ("access-control-request-headers", "content-type"),
                )
                requests.append(Request("OPTIONS", origin, preflight, path=path))
        requests.append(Request("GET", origin, path="/not-routed"))
        requests.append(
            Request("OPTIONS", origin, (("access-control-request-method", "PUT"),), path="/not-routed")
        )
    return requests


def test_headers_added_after_the_imported_routes_never_reach_them() -> None:
    require_node_package("express")
    (policy,) = policies_linted_inside(FIXTURE, "express_headers")
    assert any(e.kind == "misordered" for e in policy.evidence)
    requests = _requests()
    real_answers = entry_answers(FIXTURE, "src/server.js", requests)
    mismatches: list[str] = []
    unreached = 0
    for request, real in zip(requests, real_answers, strict=True):
        where = f"{request.method} {request.path} Origin={request.origin} {dict(request.headers)}"
        sent = [name for name, _ in real["headers"] if name.lower().startswith("access-control-")]
        if (request.method, request.path) in ROUTED or (
            request.method == "OPTIONS" and request.path in ROUTER_PATHS
        ):
            unreached += 1
            if sent or real["status"] >= 300:
                mismatches.append(f"{where}: CORS303 says no CORS headers, got {real['status']} {sent}")
            continue
        predicted = framework_of(policy).respond(policy, request)
        status = predicted.status if request.method == "OPTIONS" else 404
        mismatch = answer_mismatch(where, real, predicted, status)
        if mismatch is not None:
            mismatches.append(mismatch)
    assert not mismatches, "\n".join(mismatches[:20])
    assert unreached >= 12


@pytest.mark.parametrize("fixture", ["cors_in_entry_before_imported_routes_clean"])
def test_a_layer_before_the_routes_is_not_misordered(fixture: str) -> None:
    """The cors() counterpart whose layer comes first stays without CORS303 (unchanged)."""
    policies = policies_linted_inside(FIXTURES / "express" / fixture, "express")
    assert not any(e.kind == "misordered" for policy in policies for e in policy.evidence)
