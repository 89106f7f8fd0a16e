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

from corslint.frameworks import framework_of
from corslint.model import CorsPolicy, UnresolvedValueError
from tests.conftest import FIXTURES, policies_linted_inside
from tests.probe_battery import battery
from tests.test_differential_express import answer_mismatch, require_node_package, run_harness, wire

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


def _policy() -> CorsPolicy:
    found = policies_linted_inside(PROJECT, "koa_headers")
    assert len(found) == 1, found
    return found[0]


def test_preflights_get_the_routers_200_with_the_headers_set_before() -> None:
    require_node_package("koa")
    require_node_package("@koa/router")
    policy = _policy()
    requests = battery(policy, ("GET", "PUT", "DELETE"))
    preamble = "const module = { exports: {} };\n" + (PROJECT / "src/middleware/cors.js").read_text()
    case = {
        "kind": "node",
        "name": "koa-router",
        "preamble": preamble,
        "source": APP,
        "requests": [wire(request) for request in requests],
    }
    real_answers = run_harness([case])["koa-router"]
    mismatches = []
    preflights = 0
    for request, real in zip(requests, real_answers, strict=True):
        try:
            predicted = framework_of(policy).respond(policy, request)
        except UnresolvedValueError:
            mismatches.append(f"{request}: unresolved")
            continue
        if request.method == "OPTIONS":
            preflights += 1
            status = predicted.status
        elif request.method in _ROUTE_STATUS:  # the routes' business, not the middleware's
            status = _ROUTE_STATUS[request.method]
        else:
            status = predicted.status if predicted.status is not None else 200
        where = f"{request.method} Origin={request.origin} {dict(request.headers)}"
        mismatch = answer_mismatch(where, real, predicted, status)
        if mismatch is not None:
            mismatches.append(mismatch)
    assert not mismatches, "\n".join(mismatches[:20])
    assert preflights > 10
