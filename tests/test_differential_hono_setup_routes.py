"""Differential truth for set 25 (xpadev-net/video-host-api): Hono's cors registered by a
setup function handed the app (`withCors(server)` inside `installPlugins(server)`), while a
sibling `mountApi(server)` builds sub-apps and mounts them with `.route(prefix, sub)`, the
PATCH route two setup functions down (extractors/express/hono_setup_routes.py).

The real hono (tests/node/package.json) runs the fixture's shape, in JavaScript, with the
`allowMethods` corslint extracts from the fixture: the PATCH route is served at the path
corslint joins from the prefixes, and its preflight is answered without PATCH, so the
browser never sends it; corslint reports CORS202 there."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES, run_lint, sole_policy_inside
from tests.test_differential_express import NODE_DIR, require_node_package

PROJECT = FIXTURES / "hono" / "setup_functions_sub_app_patch"
ORIGIN = "https://notes.fieldkit.io"

_RUN = """
const { Hono } = require('hono');
const { cors } = require('hono/cors');
const allowMethods = JSON.parse(process.argv[1]);
const withCors = (server) => {
  server.use('*', cors({ origin: ['%(origin)s'], credentials: true, allowMethods }));
};
const installPlugins = (server) => { withCors(server); };
const renaming = (books) => { books.patch('/:id', (c) => c.json({ id: c.req.param('id') })); };
const addNotebooks = (parent) => {
  const books = new Hono();
  renaming(books);
  parent.route('/notebooks', books);
};
const mountApi = (server) => {
  const v1 = new Hono();
  addNotebooks(v1);
  server.route('/v1', v1);
};
const server = new Hono();
installPlugins(server);
mountApi(server);
(async () => {
  const answers = [];
  for (const [method, path, extra] of [
    ['OPTIONS', '%(path)s', { 'access-control-request-method': 'PATCH' }],
    ['PATCH', '%(path)s', {}],
  ]) {
    const init = { method, headers: { origin: '%(origin)s', ...extra } };
    const response = await server.fetch(new Request('http://127.0.0.1' + path, init));
    answers.push({ status: response.status, methods: response.headers.get('access-control-allow-methods') });
  }
  console.log(JSON.stringify(answers));
})();
"""


def _real(allow_methods: list[str], path: str) -> list[dict[str, Any]]:
    script = _RUN % {"origin": ORIGIN, "path": path}
    completed = subprocess.run(
        ["node", "-e", script, json.dumps(allow_methods)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=NODE_DIR,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    answers: list[dict[str, Any]] = json.loads(completed.stdout)
    return answers


def test_the_patch_route_two_setup_functions_down_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    require_node_package("hono")
    policy = sole_policy_inside(PROJECT, "hono_cors")
    assert policy.routes is not None
    patched = [route for route in policy.routes if "PATCH" in route.methods]
    assert [route.path for route in patched] == ["/v1/notebooks/:id"]
    allow_methods = policy.options["allowMethods"].plain()
    assert isinstance(allow_methods, tuple)
    preflight, sent = _real(list(allow_methods), "/v1/notebooks/7")
    assert sent["status"] == 200  # the route is where corslint joined its prefixes
    assert preflight["status"] == 204
    assert "PATCH" not in preflight["methods"].split(","), preflight
    monkeypatch.chdir(PROJECT)
    findings = list(run_lint(Path(".")).findings)
    assert [(f.rule_id, f.location.path, f.location.line) for f in findings] == [
        ("CORS202", "src/plugins/cors.ts", 10)
    ]
    assert "PATCH" in findings[0].message
