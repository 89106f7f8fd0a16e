"""Differential truth for a Hono catch-all registered after the router's OPTIONS route
(`app.options("*", ...)` then `app.all("/api/*", (c) => Response.json(..., {status: 404,
headers}))`; response_entries.options_answered_earlier): the real Hono answers every
preflight from the earlier OPTIONS route, so the catch-all's 404 is no preflight answer,
and the model of the catch-all must not answer OPTIONS with it (it left a wrong CORS202)."""

from __future__ import annotations

import json
import subprocess

from tests.conftest import FIXTURES, policies_linted_inside
from tests.test_differential_express import NODE_DIR, require_node_package

_RUN = """
const { Hono } = require('hono');
const headers = {
  'Access-Control-Allow-Origin': 'https://notes.example.net',
  'Access-Control-Allow-Methods': 'GET, POST, DELETE, OPTIONS',
  'Access-Control-Allow-Headers': 'Content-Type',
};
const app = new Hono();
app.options('*', (c) => new Response(null, { status: 204, headers }));
app.get('/api/notes', (c) => Response.json([], { headers }));
app.all('/api/*', (c) => Response.json({ error: 'not found' }, { status: 404, headers }));
(async () => {
  const answers = [];
  for (const [method, path, extra] of [
    ['OPTIONS', '/api/missing', { 'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type' }],
    ['POST', '/api/missing', { 'content-type': 'application/json' }],
  ]) {
    const init = { method, headers: { origin: 'https://notes.example.net', ...extra } };
    if (method === 'POST') init.body = '{}';
    const response = await app.fetch(new Request('http://127.0.0.1' + path, init));
    answers.push({ status: response.status, methods: response.headers.get('access-control-allow-methods') });
  }
  console.log(JSON.stringify(answers));
})();
"""


def test_catch_all_404_never_answers_the_preflight() -> None:
    require_node_package("hono")
    completed = subprocess.run(
        ["node", "-e", _RUN], capture_output=True, text=True, timeout=120, cwd=NODE_DIR, check=False
    )
    assert completed.returncode == 0, completed.stderr
    preflight, post = json.loads(completed.stdout)
    assert preflight == {"status": 204, "methods": "GET, POST, DELETE, OPTIONS"}  # the OPTIONS route's
    assert post["status"] == 404  # the catch-all answers the other methods
    project = FIXTURES / "hono" / "catch_all_404_after_options_route"
    by_line = {policy.location.line: policy for policy in policies_linted_inside(project, "fetch_headers")}
    catch_all = by_line[20]
    ends = [value.raw for name, value in catch_all.options.items() if name.startswith("end")]
    assert [end["status"].raw for end in ends] == [404]
    assert all("!OPTIONS" in [atom.raw for atom in end["when"].raw] for end in ends)
    options_route = by_line[9]
    assert [v.raw["status"].raw for n, v in options_route.options.items() if n.startswith("end")] == [204]
