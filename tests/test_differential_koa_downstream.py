"""Differential truth: a hand-written Koa CORS middleware whose OPTIONS requests reach
nothing that answers them (tests/fixtures/koa/handwritten_options_fall_through).

The fixture's own middleware module runs on the real koa (tests/node/harness.js, a "node"
case) in front of a route-like middleware that answers GET, POST, PUT, PATCH and DELETE
and passes everything else on, as `router.routes()` without `allowedMethods()` does.
Koa answers the unanswered OPTIONS itself: 404, keeping the headers set before. The model
says the preflight goes unanswered (status None, CORS206) with the same CORS headers, and
answers every other request exactly as the real app does.
"""

from __future__ import annotations

from corslint.http import Request, Response
from tests.conftest import FIXTURES, sole_policy_inside
from tests.probe_battery import battery
from tests.test_differential_express import compare_answers, module_app_answers, require_node_package

PROJECT = FIXTURES / "koa" / "handwritten_options_fall_through"
KOA_NOT_FOUND = 404
APP = """(() => {
  const Koa = require('koa');
  const app = new Koa();
  app.use(module.exports);
  app.use(async (ctx, next) => {  // the routes: every method but OPTIONS
    if (['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(ctx.method)) {
      ctx.body = { ok: true };
      return;
    }
    await next();
  });
  return app.callback();
})()"""


def _status(request: Request, predicted: Response) -> int:
    if request.method == "OPTIONS":
        assert predicted.status is None  # nothing in the app answers it
        return KOA_NOT_FOUND
    return predicted.status if predicted.status is not None else 200


def test_unanswered_options_get_koas_404_with_the_headers_set_before() -> None:
    require_node_package("koa")
    policy = sole_policy_inside(PROJECT, "koa_headers")
    assert "options_status" in policy.options
    requests = battery(policy)
    real_answers = module_app_answers(PROJECT / "src/middleware/cors.js", APP, requests)
    mismatches, _ = compare_answers(policy, requests, real_answers, unresolved_counts=True, status_of=_status)
    assert not mismatches, "\n".join(mismatches[:20])
    assert sum(request.method == "OPTIONS" for request in requests) > 20
