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

from corslint.frameworks import framework_of
from corslint.model import CorsPolicy, UnresolvedValueError
from tests.conftest import FIXTURES, policies_linted_inside
from tests.probe_battery import battery
from tests.test_differential_express import answer_mismatch, require_node_package, run_harness, wire

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


def _policy() -> CorsPolicy:
    found = policies_linted_inside(PROJECT, "koa_headers")
    assert len(found) == 1, found
    return found[0]


def test_unanswered_options_get_koas_404_with_the_headers_set_before() -> None:
    require_node_package("koa")
    policy = _policy()
    assert "options_status" in policy.options
    requests = battery(policy)
    preamble = "const module = { exports: {} };\n" + (PROJECT / "src/middleware/cors.js").read_text()
    case = {
        "kind": "node",
        "name": "koa",
        "preamble": preamble,
        "source": APP,
        "requests": [wire(request) for request in requests],
    }
    real_answers = run_harness([case])["koa"]
    mismatches = []
    preflights = 0
    for request, real in zip(requests, real_answers, strict=True):
        try:
            predicted = framework_of(policy).respond(policy, request)
        except UnresolvedValueError:
            mismatches.append(f"{request}: unresolved")
            continue
        if request.method == "OPTIONS":
            assert predicted.status is None  # nothing in the app answers it
            status = KOA_NOT_FOUND
            preflights += 1
        else:
            status = predicted.status if predicted.status is not None else 200
        where = f"{request.method} Origin={request.origin} {dict(request.headers)}"
        mismatch = answer_mismatch(where, real, predicted, status)
        if mismatch is not None:
            mismatches.append(mismatch)
    assert not mismatches, "\n".join(mismatches[:20])
    assert preflights > 20
