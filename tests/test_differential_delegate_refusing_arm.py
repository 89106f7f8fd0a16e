"""Differential truth for a `cors` options delegate whose admitting arm sets more options
than its refusing arm (`{ origin: true, credentials: true, ... }` against `{ origin: false }`,
`extractors/express/options.py` `_chosen_by_test`).

cors 2.8.6 passes a request whose delegate answers `origin: false` on without any header, so
the refusing arm's other options never matter: corslint reads the delegate as an allow-list
with the admitting arm's options. The fixture's own server module runs on express 5.3.0
(tests/node/entry_app_harness.mjs), and every answer to the probe battery equals the
model's.
"""

from __future__ import annotations

from corslint.frameworks import framework_of
from corslint.http import Request
from corslint.model import OriginFunction
from tests.conftest import FIXTURES, policies_linted_inside
from tests.probe_battery import battery
from tests.test_differential_express import answer_mismatch, require_node_package
from tests.test_differential_imported_app_order import entry_answers

PROJECT = FIXTURES / "express" / "options_delegate_credentials_in_admitting_arm"


def test_the_refusing_arm_options_never_reach_a_response() -> None:
    for needed in ("express", "cors"):
        require_node_package(needed)
    policies = policies_linted_inside(PROJECT, "express")
    assert len(policies) == 1, policies
    policy = policies[0]
    origin = policy.options["origin"].raw
    assert isinstance(origin, OriginFunction) and origin.kind == "allow-list"
    assert policy.options["credentials"].raw is True
    requests = [
        Request(r.method, r.origin, r.headers, "/reports", r.credentials)
        for r in battery(policy, ("GET", "POST"))
    ]
    real_answers = entry_answers(PROJECT, "server.js", requests)
    mismatches = []
    for request, real in zip(requests, real_answers, strict=True):
        predicted = framework_of(policy).respond(policy, request)
        where = f"{request.method} Origin={request.origin} {dict(request.headers)}"
        if request.method == "OPTIONS":
            status = predicted.status if predicted.status is not None else 404  # express: no OPTIONS route
        else:
            status = 201 if request.method == "POST" else 200 if request.method == "GET" else 404
        mismatch = answer_mismatch(where, real, predicted, status)
        if mismatch is not None:
            mismatches.append(mismatch)
    assert not mismatches, "\n".join(mismatches[:20])
    assert len(requests) > 20
