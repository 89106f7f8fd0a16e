"""Differential truth: Egg's `config.cors` (node_frameworks/egg.py) against the real egg-cors,
and Midway 3's `cors` config (node_frameworks/midway.py) against @midwayjs/cross-domain.

egg-cors 3.0.1 (pinned in tests/node) is two files: `app.js`, which sets a default origin
function on `app.config.cors`, and `app/middleware/cors.js`, which is `@koa/cors` (5.0.0 in
tests/node, the major egg-cors 3 depends on). Both run here as Egg runs them: app.js on an
app object holding the fixture's `config.cors`, then the middleware with those options in
front of a route answering 200. A whole Egg app is not started: egg-security's
`ctx.isSafeDomain` is given its answer for an empty `security.domainWhiteList` (false for
every domain), the only case the fixtures write.

@midwayjs/cross-domain 3.20.24 (pinned, with @midwayjs/core): its `CorsMiddleware` class
is made without Midway's container, given the app's `cors` config merged on the
component's own `config.default.js` as Midway merges them, and run in Koa as its `resolve`
runs it (`compatibleMiddleware(ctx.request, ctx, next)`).
"""

from __future__ import annotations

import json

import pytest

from corslint.model import FunctionValue
from tests.conftest import FIXTURES, policies_linted_inside
from tests.probe_battery import battery
from tests.test_differential_express import compare_answers, require_node_package, run_harness, wire

PROJECTS = ("star_credentials_blog", "midway_local_origin_credentials", "no_origin_without_whitelist_clean")


@pytest.mark.parametrize("project", PROJECTS)
def test_egg_cors_config_answers_as_egg_cors(project: str) -> None:
    require_node_package("egg-cors")
    (policy,) = policies_linted_inside(FIXTURES / "egg" / project, "koa_cors")
    options = {
        name: value.plain()
        for name, value in policy.options.items()
        if not isinstance(value.plain(), FunctionValue)  # egg-cors's own origin function
    }
    preamble = (
        f"const app = {{ config: {{ coreMiddlewares: [], cors: {json.dumps(options)} }} }};\n"
        "require('egg-cors/app.js')(app);\n"
        "const eggCors = require('egg-cors/app/middleware/cors.js')(app.config.cors);\n"
    )
    requests = battery(policy)
    case = {
        "kind": "koa",
        "name": project,
        "preamble": preamble,
        "source": "async (ctx, next) => { ctx.isSafeDomain = () => false; return eggCors(ctx, next); }",
        "requests": [wire(request) for request in requests],
    }
    mismatches, compared = compare_answers(
        policy, requests, run_harness([case])[project], unresolved_counts=True
    )
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 20


MIDWAY_PROJECTS = ("midway3_credentials_reflect", "midway3_cross_domain_key_ignored")


@pytest.mark.parametrize("project", MIDWAY_PROJECTS)
def test_midway_cors_config_answers_as_cross_domain(project: str) -> None:
    require_node_package("@midwayjs/cross-domain")
    (policy,) = policies_linted_inside(FIXTURES / "egg" / project, "midway_cross_domain")
    options = {name: value.plain() for name, value in policy.options.items()}
    preamble = (
        "const { CorsMiddleware } = require('@midwayjs/cross-domain/dist/middleware/cors');\n"
        "const defaults = require('@midwayjs/cross-domain/dist/config/config.default').cors;\n"
        "const middleware = new CorsMiddleware();\n"
        f"middleware.cors = {{ ...defaults, ...{json.dumps(options)} }};\n"
    )
    requests = battery(policy)
    case = {
        "kind": "koa",
        "name": project,
        "preamble": preamble,
        "source": "(ctx, next) => middleware.compatibleMiddleware(ctx.request, ctx, next)",
        "requests": [wire(request) for request in requests],
    }
    mismatches, compared = compare_answers(
        policy, requests, run_harness([case])[project], unresolved_counts=True
    )
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 20
