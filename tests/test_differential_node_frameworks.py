"""Differential truth: corslint's models of AdonisJS's and Strapi's CORS settings against
the real middleware (tests/node/node_frameworks_harness.mjs).

AdonisJS: the options corslint extracts from every fixture under tests/fixtures/adonis (plus
edge cases) configure the real @adonisjs/cors middleware (pinned in tests/node) inside a
booted AdonisJS 6 server. Strapi: the real @koa/cors with the options Strapi's
`strapi::cors` hands it. Status and CORS headers must equal the model's answer.
"""

from __future__ import annotations

from typing import Any

import pytest

from corslint.frameworks import framework_of
from corslint.frameworks.adonis_cors import NAME as ADONIS
from corslint.frameworks.adonis_cors import PLAIN_NAME as ADONIS5
from corslint.frameworks.moleculer_web_cors import FRAMEWORK as MOLECULER_FRAMEWORK
from corslint.frameworks.sails_cors import FRAMEWORK as SAILS_FRAMEWORK
from corslint.frameworks.strapi_cors import EARLY_NAME as STRAPI_EARLY
from corslint.frameworks.strapi_cors import LEGACY_NAME as STRAPI_LEGACY
from corslint.frameworks.strapi_cors import NAME as STRAPI
from corslint.http import Request
from corslint.model import CorsPolicy, Location, UnresolvedValueError
from tests.conftest import fixture_projects, named_fixture_policies, synthetic_policy
from tests.probe_battery import battery
from tests.test_differential_express import (
    Expected,
    RealAnswers,
    answer_mismatch,
    known_options,
    require_node_package,
    run_harness,
    wire,
)

HERE = Location.point("synthetic.ts", 1)
SAILS = SAILS_FRAMEWORK.name
MOLECULER = MOLECULER_FRAMEWORK.name
MAX_REQUESTS = 10_000  # the fixture policies and the synthetic ones (8,141 requests in session 14)


def synthetic(framework: str, scope: str = "", **options: Any) -> CorsPolicy:
    return synthetic_policy(framework, HERE, options, scope=scope, probe_path=f"{scope}/x")


SYNTHETIC: dict[str, CorsPolicy] = {
    "adonis-defaults": synthetic(ADONIS),
    "adonis-star-credentials": synthetic(ADONIS, origin="*"),
    "adonis-star-no-credentials": synthetic(ADONIS, origin="*", credentials=False, maxAge=0),
    "adonis-comma-string": synthetic(
        ADONIS,
        origin="https://a.example.com,https://b.example.com",
        exposeHeaders=["X-Total", "Content-Type"],
    ),
    "adonis-comma-space": synthetic(ADONIS, origin="https://a.example.com, https://b.example.com"),
    "adonis-single": synthetic(ADONIS, origin="https://a.example.com", credentials=False),
    "adonis-false": synthetic(ADONIS, origin=False),
    "adonis-header-list": synthetic(
        ADONIS,
        origin=["https://a.example.com"],
        headers=["Content-Type", "Authorization"],
        methods=["GET", "PUT"],
    ),
    "adonis-header-string": synthetic(
        ADONIS, origin=True, headers="content-type,x-custom", credentials=False
    ),
    "adonis-no-headers": synthetic(ADONIS, origin=True, headers=False, maxAge=7200),
    "adonis-simple-expose": synthetic(ADONIS, exposeHeaders=["Cache-Control", "pragma"]),
    "adonis-disabled": synthetic(ADONIS, enabled=False),
    "adonis5-plain": synthetic(
        ADONIS5,
        enabled=True,
        origin=["https://a.example.com", "https://b.example.com"],
        methods=["GET", "HEAD", "POST", "PUT", "DELETE"],
        headers=True,
        exposeHeaders=[],
        credentials=True,
        maxAge=90,
    ),
    "sails-star": synthetic(SAILS, allRoutes=True),
    "sails-unsafe": synthetic(
        SAILS,
        allRoutes=True,
        allowCredentials=True,
        allowAnyOriginWithCredentialsUnsafe=True,
        allowRequestHeaders="",
    ),
    "sails-list": synthetic(
        SAILS,
        allRoutes=True,
        allowOrigins=["https://a.example.com", "http://localhost:8080"],
        allowCredentials=True,
        allowRequestHeaders=["content-type", "authorization"],
        allowResponseHeaders="X-Total,X-Page",
        allowRequestMethods=["GET", "POST"],
    ),
    "sails-comma-string": synthetic(
        SAILS,
        allRoutes=True,
        allowOrigins="https://a.example.com, https://b.example.com",
        allowRequestHeaders="*",
    ),
    "sails-refused-start": synthetic(SAILS, allRoutes=True, allowCredentials=True),
    "moleculer-defaults": synthetic(MOLECULER, "/api"),
    "moleculer-star-credentials": synthetic(
        MOLECULER, "/api", origin="*", credentials=True, allowedHeaders=["Content-Type"], maxAge=600
    ),
    "moleculer-substring-list": synthetic(
        MOLECULER, "/v1", origin=["https://a.example.com", "https://b.example.com"], exposedHeaders="X-Total"
    ),
    "moleculer-wildcard-string": synthetic(
        MOLECULER, "", origin="https://*.example.com", methods="GET, POST"
    ),
    "moleculer-false-origin": synthetic(MOLECULER, "/api", origin=False, exposedHeaders=[]),
    "strapi-defaults": synthetic(STRAPI),
    "strapi-legacy-defaults": synthetic(STRAPI_LEGACY),
    "strapi-4-3-defaults": synthetic(STRAPI_EARLY),
    "strapi-4-3-list": synthetic(STRAPI_EARLY, origin=["https://a.example.com"]),
    "strapi-star-no-credentials": synthetic(STRAPI, origin="*", credentials=False),
    "strapi-legacy-star-no-credentials": synthetic(STRAPI_LEGACY, origin="*", credentials=False, maxAge=0),
    "strapi-single": synthetic(STRAPI, origin="https://a.example.com", expose=["X-Total"]),
    "strapi-legacy-single": synthetic(STRAPI_LEGACY, origin="https://a.example.com"),
    "strapi-comma": synthetic(
        STRAPI, origin="https://a.example.com, https://b.example.com", headers="X-Custom"
    ),
    "strapi-legacy-list-star": synthetic(STRAPI_LEGACY, origin=["https://a.example.com", "*"]),
    "strapi-list-star": synthetic(STRAPI, origin=["https://a.example.com", "*"], credentials=False),
    "strapi-list": synthetic(
        STRAPI, origin=["https://a.example.com"], methods=["GET", "PUT"], headers=[], expose="X-Page,X-Total"
    ),
}


def fixture_policies() -> list[tuple[str, CorsPolicy]]:
    projects = fixture_projects("adonis", "strapi", "sails", "moleculer_web")
    frameworks = {ADONIS, ADONIS5, STRAPI, STRAPI_LEGACY, SAILS, MOLECULER}
    return [(name, policy) for name, policy, _ in named_fixture_policies(projects, frameworks)]


def _case(name: str, policy: CorsPolicy, requests: list[Request]) -> dict[str, Any] | None:
    options = known_options(policy)
    if options is None:
        return None
    wired = [wire(request) for request in requests]
    if policy.framework in {ADONIS, ADONIS5}:
        adonis = {"config": options, "defineConfig": policy.framework == ADONIS}
        return {"kind": "adonis", "name": name, **adonis, "requests": wired}
    if policy.framework == SAILS:
        return {"kind": "sails", "name": name, "config": options, "requests": wired}
    if policy.framework == MOLECULER:
        return {"kind": "moleculer", "name": name, "path": policy.scope, "cors": options, "requests": wired}
    legacy = policy.framework in {STRAPI_LEGACY, STRAPI_EARLY}
    early = policy.framework == STRAPI_EARLY
    return {
        "kind": "strapi",
        "name": name,
        "config": options,
        "legacy": legacy,
        "koaCors31": early,
        "requests": wired,
    }


def _cases() -> tuple[list[dict[str, Any]], Expected]:
    cases: list[dict[str, Any]] = []
    expected: Expected = {}
    for name, policy in [*SYNTHETIC.items(), *fixture_policies()]:
        requests = battery(policy)
        requests.append(
            Request(
                "OPTIONS",
                "https://a.example.com",
                (("access-control-request-method", "get"),),
                path=policy.probe_path,
            )
        )
        case = _case(name, policy, requests)
        if case is None:
            continue
        cases.append(case)
        expected[name] = (policy, requests)
    return cases, expected


@pytest.fixture(scope="module")
def harness_results() -> tuple[RealAnswers, Expected]:
    for package in ("@adonisjs/cors", "sails", "@koa/cors", "moleculer-web"):
        require_node_package(package)
    cases, expected = _cases()
    return run_harness(cases, "node_frameworks_harness.mjs", MAX_REQUESTS), expected


def test_models_match_the_real_middleware(
    harness_results: tuple[RealAnswers, Expected],
) -> None:
    results, expected = harness_results
    compared = 0
    mismatches: list[str] = []
    for name, (policy, requests) in expected.items():
        respond = framework_of(policy).respond
        for request, real in zip(requests, results[name], strict=True):
            if real["status"] == 0:  # the real app refused its configuration at startup
                assert framework_of(policy).library_checks(policy), f"{name}: the real server did not start"
                continue
            try:
                predicted = respond(policy, request)
            except UnresolvedValueError:
                continue
            where = f"{name}: {request.method} Origin={request.origin} {dict(request.headers)}"
            status = predicted.status if predicted.status is not None else 200  # the route's answer
            if predicted.status is None and policy.framework == MOLECULER:
                status = real["status"]  # the gateway has no action to call: 404 after CORS
            mismatch = answer_mismatch(where, real, predicted, status)
            if mismatch is not None:
                mismatches.append(mismatch)
            compared += 1
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 500
    fixtures = {expected[name][0].framework for name in expected if name not in SYNTHETIC}
    assert fixtures == {ADONIS, ADONIS5, STRAPI, STRAPI_LEGACY, SAILS, MOLECULER}, fixtures
