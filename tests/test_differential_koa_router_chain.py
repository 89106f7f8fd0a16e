"""Differential truth: a hand-written Koa CORS middleware in front of routes mounted as one
chain, `app.use(router.routes()).use(router.allowedMethods())`
(tests/fixtures/koa/handwritten_router_chain_*; seen in flydoing/koa2-learn
`server-koa/app.js`).

The chain's second link is a `use` of the same app, so allowedMethods() answers OPTIONS
for the routed paths (200 with `Allow`), keeping the headers set before: the preflight is
answered, not left to Koa's 404. What it carries depends on the middleware: with only a
fixed Allow-Origin in front it lacks Allow-Methods and Allow-Headers (CORS206, "answered
without"); with a second CORS middleware after the routes that adds them, the preflight
passes (no CORS206). Both run on the real koa 2 and @koa/router (tests/node). The second
layer's `ctx.get('Origin') !== ctx.origin` compares with the server's own origin in koa 2
(in koa 3 `ctx.origin` is the request's Origin header, so the test is never true).
"""

from __future__ import annotations

import json
import subprocess
from typing import Any

from corslint.runner.run import lint
from corslint.runner.settings import Settings
from tests.conftest import FIXTURES
from tests.test_differential_express import NODE_DIR, require_node_package

CHAIN_ONLY = FIXTURES / "koa" / "handwritten_router_chain_allowed_methods"
SECOND_LAYER = FIXTURES / "koa" / "handwritten_router_chain_second_layer"

# both fixtures' apps, the second layer switched on by `second`
SCRIPT = """
const modules = %(modules)s;
const second = %(second)s;
const Koa = require(modules + '/koa-2');  // koa 2: ctx.origin is the server's own origin
const Router = require(modules + '/@koa/router');
const http = require('http');
const router = new Router({ prefix: '/api' });
router.get('/items', (ctx) => { ctx.body = []; });
router.put('/items/:id', (ctx) => { ctx.body = { id: ctx.params.id }; });
const app = new Koa();
app.use(async (ctx, next) => {
  ctx.set('Access-Control-Allow-Origin', 'https://app.example.org');
  await next();
});
app.use(router.routes()).use(router.allowedMethods());
if (second) {
  const trusted = ['https://app.example.org'];
  app.use(async (ctx, next) => {
    if (ctx.get('Origin') !== ctx.origin && trusted.includes(ctx.get('Origin'))) {
      ctx.set('Access-Control-Allow-Origin', ctx.get('Origin'));
      ctx.set('Access-Control-Allow-Methods', 'GET,PUT');
      ctx.set('Access-Control-Allow-Headers', 'Content-Type');
      ctx.set('Access-Control-Allow-Credentials', true);
    }
    await next();
  });
}
const server = app.listen(0, () => {
  const port = server.address().port;
  const headers = {
    origin: 'https://app.example.org',
    'access-control-request-method': 'PUT',
    'access-control-request-headers': 'content-type',
  };
  const req = http.request({ port, path: '/api/items/7', method: 'OPTIONS', headers }, (res) => {
    res.resume();
    res.on('end', () => {
      console.log(JSON.stringify({ status: res.statusCode, headers: res.headers }));
      server.close();
    });
  });
  req.end();
});
"""


def _preflight(second: bool) -> dict[str, Any]:
    require_node_package("@koa/router")
    require_node_package("koa-2")
    script = SCRIPT % {"modules": json.dumps(str(NODE_DIR / "node_modules")), "second": json.dumps(second)}
    out = subprocess.run(["node", "-e", script], capture_output=True, text=True, timeout=60, check=True)
    answer: dict[str, Any] = json.loads(out.stdout)
    return answer


def test_allowed_methods_in_the_chain_answers_the_preflight_without_the_cors_headers() -> None:
    answer = _preflight(second=False)
    assert answer["status"] == 200
    assert answer["headers"]["allow"] == "PUT"  # the methods routed for /api/items/:id
    assert answer["headers"]["access-control-allow-origin"] == "https://app.example.org"
    assert "access-control-allow-methods" not in answer["headers"]
    assert "access-control-allow-headers" not in answer["headers"]


def test_a_cors_middleware_after_the_routes_completes_the_preflight() -> None:
    answer = _preflight(second=True)
    assert answer["status"] == 200
    assert answer["headers"]["access-control-allow-methods"] == "GET,PUT"
    assert answer["headers"]["access-control-allow-headers"] == "Content-Type"


def test_corslint_says_answered_without_for_the_chain_only() -> None:
    findings = [f for f in lint([CHAIN_ONLY], Settings()).findings if f.rule_id == "CORS206"]
    assert len(findings) == 1
    assert "preflights are answered without" in findings[0].message


def test_corslint_reports_no_cors206_when_the_later_layer_adds_the_headers() -> None:
    rules = {f.rule_id for f in lint([SECOND_LAYER], Settings()).findings}
    assert "CORS206" not in rules
    assert "CORS302" in rules
