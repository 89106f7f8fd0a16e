"""Differential truth for CORS202 on a koa2-cors middleware whose routes are mounted by
another setup module (`extractors/express/koa_app_routes.py`).

Each fixture runs as `node src/app.js` (tests/node/entry_app_harness.mjs: koa 3.3.0,
@koa/router 13.1.0, koa2-cors 2.0.6): the setup function of `src/middleware/index.js`
registers the factory of `src/middleware/cors.js`, and `src/routes.js` mounts the router
after it. Every answer equals the model's for the policy corslint read, the routes it found
are the router's, and the real preflight for the PUT route lists PUT in
`Access-Control-Allow-Methods` exactly when corslint says nothing (the clean fixture), so the
browser refuses the PUT where CORS202 is reported.
"""

from __future__ import annotations

import pytest

from corslint.frameworks import framework_of
from corslint.http import Request
from tests.conftest import FIXTURES, policies_linted_inside
from tests.test_differential_express import answer_mismatch, require_node_package
from tests.test_differential_imported_app_order import entry_answers

KOA = FIXTURES / "koa"
FIXTURES_RUN = ("koa2_cors_setup_modules_route_methods", "koa2_cors_setup_modules_route_methods_clean")
ORIGINS = ("https://tasks.example.com", "https://evil.example")


@pytest.mark.parametrize("fixture", FIXTURES_RUN)
def test_routes_of_later_setup_modules_are_judged_against_allow_methods(fixture: str) -> None:
    for needed in ("koa", "@koa/router", "koa2-cors"):
        require_node_package(needed)
    policies = policies_linted_inside(KOA / fixture, "koa2_cors")
    assert len(policies) == 1, policies
    policy = policies[0]
    assert policy.routes is not None
    assert {(route.path, route.methods) for route in policy.routes} == {
        ("/api/tasks", ("GET",)),
        ("/api/tasks/:id", ("PUT",)),
        ("/api/tasks/:id", ("DELETE",)),
    }
    requests = []
    for origin in ORIGINS:
        requests.append(Request("GET", origin, path="/api/tasks"))
        for method in ("PUT", "DELETE"):
            for headers in ((), (("access-control-request-headers", "content-type"),)):
                preflight = (("access-control-request-method", method), *headers)
                requests.append(Request("OPTIONS", origin, preflight, path="/api/tasks/7"))
    real_answers = entry_answers(KOA / fixture, "src/app.js", requests)
    mismatches = []
    put_allowed = []
    for request, real in zip(requests, real_answers, strict=True):
        predicted = framework_of(policy).respond(policy, request)
        where = f"{request.method} {request.path} Origin={request.origin} {dict(request.headers)}"
        # passed on (None): the route answers, or the router's allowedMethods() an OPTIONS
        mismatch = answer_mismatch(
            where, real, predicted, 200 if predicted.status is None else predicted.status
        )
        if mismatch is not None:
            mismatches.append(mismatch)
        if request.origin == ORIGINS[0] and request.header("access-control-request-method") == "PUT":
            allowed = dict((k.lower(), v) for k, v in real["headers"]).get("access-control-allow-methods", "")
            put_allowed.append("PUT" in allowed.split(","))
    assert not mismatches, "\n".join(mismatches[:20])
    assert put_allowed and all(put_allowed) is fixture.endswith("_clean")
