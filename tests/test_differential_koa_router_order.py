"""Differential truth for CORS303 on a Koa CORS middleware registered after koa-router's
routes (`extractors/express/koa_router_order.py`).

Each fixture's policy is mounted, with its own package (@koa/cors 5.0.0, koa2-cors 2.0.6),
behind @koa/router 13.1.0 on koa 3.3.0 (tests/node/harness.js, "node" cases), as the
fixture does: `app.use(router.routes()).use(router.allowedMethods()).use(cors(...))`, with
routes for every method on `/`. Preflights match no route and reach the middleware: the
real answer equals the model's. Routed requests never reach it: the real answer carries no
CORS header at all, which is what CORS303 says. When the routes' handler calls `next()`
(the `_clean` fixture), routed requests reach it and get the model's answer.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from corslint.frameworks import framework_of
from corslint.http import Request
from tests.conftest import FIXTURES, policies_linted_inside
from tests.probe_battery import battery
from tests.test_differential_express import answer_mismatch, require_node_package, run_harness, wire

KOA = FIXTURES / "koa"
# fixture -> (framework, npm package, the options as the fixture writes them, handler calls next)
CASES: dict[str, tuple[str, str, str, bool]] = {
    "koa_cors_after_router_chain": ("koa_cors", "@koa/cors", "{ origin: 'https://cook.example.com' }", False),
    "koa2_cors_after_imported_router": (
        "koa2_cors",
        "koa2-cors",
        "{ origin: () => 'https://desk.example.com', allowMethods: ['GET', 'PUT'] }",
        False,
    ),
    "koa_cors_after_router_next_clean": (
        "koa_cors",
        "@koa/cors",
        "{ origin: 'https://status.example.com' }",
        True,
    ),
}
ROUTED = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _app(package: str, options: str, calls_next: bool) -> str:
    handler = (
        "async (ctx, next) => { ctx.body = { ok: true }; await next(); }"
        if calls_next
        else ("async (ctx) => { ctx.body = { ok: true }; }")
    )
    return f"""(() => {{
  const Koa = require('koa');
  const Router = require('@koa/router');
  const cors = require({json.dumps(package)});
  const app = new Koa();
  const router = new Router();
  for (const verb of ['get', 'post', 'put', 'patch', 'delete']) router[verb]('/', {handler});
  app.use(router.routes()).use(router.allowedMethods()).use(cors({options}));
  return app.callback();
}})()"""


@pytest.mark.parametrize("fixture", sorted(CASES))
def test_only_preflights_reach_a_cors_middleware_after_the_router(fixture: str) -> None:
    framework, package, options, calls_next = CASES[fixture]
    for needed in ("koa", "@koa/router", package):
        require_node_package(needed)
    policies = policies_linted_inside(KOA / fixture, framework)
    assert len(policies) == 1, policies
    policy = policies[0]
    assert any(e.kind == "misordered" for e in policy.evidence) is not calls_next
    requests = [
        r
        for r in battery(policy, ROUTED)
        if r.origin and (r.method != "OPTIONS" or r.header("access-control-request-method"))
    ]
    requests.append(Request("GET", "https://evil.example", path="/not-routed"))
    case: dict[str, Any] = {
        "kind": "node",
        "name": fixture,
        "source": _app(package, options, calls_next),
        "requests": [wire(request) for request in requests],
    }
    real_answers = run_harness([case])[fixture]
    mismatches: list[str] = []
    routed = 0
    for request, real in zip(requests, real_answers, strict=True):
        predicted = framework_of(policy).respond(policy, request)
        where = f"{request.method} {request.path} Origin={request.origin} {dict(request.headers)}"
        if request.method == "OPTIONS":
            status = predicted.status
        elif request.path == "/not-routed":
            status = 404
        elif calls_next:
            status = 200
        else:
            routed += 1
            sent = [name for name, _ in real["headers"] if name.lower().startswith("access-control-")]
            if real["status"] != 200 or sent:
                mismatches.append(f"{where}: a routed answer with {real['status']} {sent}")
            continue
        mismatch = answer_mismatch(where, real, predicted, status)
        if mismatch is not None:
            mismatches.append(mismatch)
    assert not mismatches, "\n".join(mismatches[:20])
    assert calls_next or routed > 5
