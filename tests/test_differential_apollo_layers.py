"""CORS302 on apollo-server-express's `applyMiddleware({ app, cors })` behind an app-wide
`cors()`: applyMiddleware mounts the cors package on the server's path of the same Express
app, so the two layers are stacked `cors()` calls. What the message says about them is
checked against the real express and cors packages (tests/node)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from corslint.runner.run import lint
from corslint.runner.settings import Settings
from tests.test_differential_express import NODE_DIR, require_node_package

FIXTURE = Path(__file__).parent / "fixtures" / "express" / "apollo_apply_middleware_imported_server"

# the fixture's two layers: `cors()` app-wide, then the Apollo options on /graphql
SCRIPT = """
const modules = %(modules)s;
const express = require(modules + '/express');
const cors = require(modules + '/cors');
const http = require('http');
const app = express();
app.use(cors());
app.use('/graphql', cors({ origin: 'https://graph.example.com', methods: ['GET', 'POST'], credentials: true }));
app.all('/graphql', (req, res) => res.send('ok'));
const server = app.listen(0, async () => {
  const port = server.address().port;
  const ask = (method, headers) => new Promise((done) => {
    const req = http.request({ port, path: '/graphql', method, headers }, (res) => {
      res.resume();
      res.on('end', () => done({ status: res.statusCode, headers: res.headers }));
    });
    req.end();
  });
  const origin = 'https://evil.example';
  const preflight = await ask('OPTIONS', { origin, 'access-control-request-method': 'PUT' });
  const get = await ask('GET', { origin });
  console.log(JSON.stringify({ preflight, get }));
  server.close();
});
"""


def test_first_cors_answers_the_preflight_and_the_second_overrides_the_origin() -> None:
    require_node_package("express")
    script = SCRIPT % {"modules": json.dumps(str(NODE_DIR / "node_modules"))}
    out = subprocess.run(["node", "-e", script], capture_output=True, text=True, timeout=60, check=True)
    answers = json.loads(out.stdout)
    preflight, get = answers["preflight"], answers["get"]
    # the app-wide cors() ends the preflight: the /graphql layer's methods never show
    assert preflight["status"] == 204
    assert preflight["headers"]["access-control-allow-methods"] == "GET,HEAD,PUT,PATCH,POST,DELETE"
    assert preflight["headers"]["access-control-allow-origin"] == "*"
    # on a GET the later layer's Allow-Origin replaces the first's (one value, not two)
    assert get["headers"]["access-control-allow-origin"] == "https://graph.example.com"


def test_corslint_reports_the_apollo_layer_with_that_outcome() -> None:
    result = lint([FIXTURE], Settings())
    messages = [f.message for f in result.findings if f.rule_id == "CORS302"]
    assert len(messages) == 1
    assert "answers every preflight itself" in messages[0]
    assert "replaces the first's" in messages[0]
