"""Differential truth for cors options read from a class field through `this`
(`extractors/js/class_fields.py`): `corsOptions = {...}` as a field initializer, or
`this.corsOptions = {...}` in the constructor before the method that runs
`this.app.use(cors(this.corsOptions))` is called, or `this.allowedOrigin = ENV || "*"` there
read as `cors({ origin: this.allowedOrigin, credentials: true })` (env unset here).

Each fixture is copied inside tests/node (express 5.3.0, cors 2.8.6 pinned there) and its
entry module runs as `node src/server.js` would (tests/node/entry_app_harness.mjs keeps the
app `listen` is called on). Every answer, simple requests and preflights, allowed and
refused Origins, is the model's answer for the options corslint read from the class, and
the Origins the findings name are the ones the running app admits.
"""

from __future__ import annotations

import pytest

from corslint.frameworks import framework_of
from corslint.http import Request
from tests.conftest import FIXTURES, policies_linted_inside
from tests.test_differential_express import answer_mismatch, require_node_package
from tests.test_differential_imported_app_order import entry_answers

EXPRESS = FIXTURES / "express"
# fixture -> (routes, the Origins the findings say are admitted, Origins refused)
CASES = {
    "class_constructor_origin_env_default_star": (  # BERTHS_ORIGIN unset: `*` for every Origin
        (("GET", "/berths"), ("DELETE", "/berths/B4/booking")),
        (),
        ("https://harbour.example.com", "https://evil.example"),
    ),
    "class_field_cors_options_reflect_credentials": (
        (("GET", "/api/appointments"), ("POST", "/api/appointments")),
        ("https://clinic.example.org", "https://evil.example", "null"),
        (),
    ),
    "class_constructor_cors_options_unanchored_pattern": (
        (("GET", "/orders"), ("PATCH", "/orders/7")),
        ("https://shop.example.com", "https://evilshop.example.com", "http://shop.example.com"),
        ("https://evil.example", "https://shop.example.com.evil.example"),
    ),
}


@pytest.mark.parametrize("fixture", sorted(CASES))
def test_class_held_options_are_the_options_cors_receives(fixture: str) -> None:
    for needed in ("express", "cors"):
        require_node_package(needed)
    routes, admitted, refused = CASES[fixture]
    policies = policies_linted_inside(EXPRESS / fixture, "express")
    assert len(policies) == 1, policies
    policy = policies[0]
    assert "**" not in policy.options, policy.options  # read, not unknown
    requests = []
    for origin in (*admitted, *refused):
        for method, path in routes:
            requests.append(Request(method, origin, path=path, credentials=True))
            preflight = (
                ("access-control-request-method", "DELETE"),
                ("access-control-request-headers", "x-token"),
            )
            requests.append(Request("OPTIONS", origin, preflight, path=path))
    real_answers = entry_answers(EXPRESS / fixture, "src/server.js", requests)
    mismatches = []
    for request, real in zip(requests, real_answers, strict=True):
        where = f"{request.method} {request.path} Origin={request.origin}"
        predicted = framework_of(policy).respond(policy, request)
        status = predicted.status if request.method == "OPTIONS" else real["status"]
        mismatch = answer_mismatch(where, real, predicted, status)
        if mismatch is not None:
            mismatches.append(mismatch)
        sent = {name.lower(): value for name, value in real["headers"]}
        echoed = sent.get("access-control-allow-origin") == request.origin
        if echoed != (request.origin in admitted):
            mismatches.append(f"{where}: Allow-Origin {sent.get('access-control-allow-origin')!r}")
        if echoed:
            assert sent.get("access-control-allow-credentials") == "true", where
    assert not mismatches, "\n".join(mismatches[:20])
