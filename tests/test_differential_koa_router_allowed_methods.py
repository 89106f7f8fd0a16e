"""Differential truth: a hand-written Koa CORS middleware that passes every request on to
`@koa/router`'s `routes()` and `allowedMethods()` (tests/fixtures/koa/
handwritten_router_allowed_methods).

The fixture's middleware module and a router like its own (GET, PUT and DELETE on `/`)
run on the real koa and @koa/router 13.1.0 (tests/node/harness.js, a "node" case).
allowedMethods() answers an OPTIONS request for a routed path itself: 200 with an `Allow`
header, keeping the headers the middleware set before. The model answers each preflight
with that status and the same CORS headers, and every other request as the real app does.
"""

from __future__ import annotations

from corslint.http import Request, Response
from tests.conftest import FIXTURES, sole_policy_inside
from tests.probe_battery import battery
from tests.test_differential_express import compare_answers, module_app_answers, require_node_package

PROJECT = FIXTURES / "koa" / "handwritten_router_allowed_methods"
APP = """(() => {
  const Koa = require('koa');
  const Router = require('@koa/router');
  const app = new Koa();
  const router = new Router();
  router.get('/', (ctx) => { ctx.body = { shifts: [] }; });
  router.put('/', (ctx) => { ctx.body = { saved: true }; });
  router.delete('/', (ctx) => { ctx.status = 204; });
  app.use(module.exports);
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app.callback();
})()"""

_ROUTE_STATUS = {"DELETE": 204, "POST": 405}  # no POST route: allowedMethods() answers 405


def _status(request: Request, predicted: Response) -> int | None:
    if request.method == "OPTIONS":
        return predicted.status
    if request.method in _ROUTE_STATUS:  # the routes' business, not the middleware's
        return _ROUTE_STATUS[request.method]
    return predicted.status if predicted.status is not None else 200


def test_preflights_get_the_routers_200_with_the_headers_set_before() -> None:
    require_node_package("koa")
    require_node_package("@koa/router")
    policy = sole_policy_inside(PROJECT, "koa_headers")
    requests = battery(policy, ("GET", "PUT", "DELETE"))
    real_answers = module_app_answers(PROJECT / "src/middleware/cors.js", APP, requests)
    mismatches, _ = compare_answers(policy, requests, real_answers, unresolved_counts=True, status_of=_status)
    assert not mismatches, "\n".join(mismatches[:20])
    assert sum(request.method == "OPTIONS" for request in requests) > 10
