"""CORS302 on a second `cors()` layer an entry module adds to an Express app it imports
from another module of the project (set 18: Ckm54/test-gql-api `src/server.ts` over
`src/app.ts`; GabrielCajina/TWITTER-V2 `applyMiddleware({ app })` with `app` from
`./app`). The imported module's top level runs first, so its `cors(allow-list,
credentials)` is the first layer; what the two do together is measured with the real
express and cors packages (tests/node) on two modules, one requiring the other."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from corslint.runner.run import lint
from corslint.runner.settings import Settings
from tests.test_differential_express import NODE_DIR, require_node_package

FIXTURES = Path(__file__).parent / "fixtures" / "express"

# the fixture imported_app_second_cors_layer, as two CommonJS modules
WEB = """
const express = require(%(modules)s + '/express');
const cors = require(%(modules)s + '/cors');
const web = express();
web.use(cors({ origin: ['https://recipes.example.org'], credentials: true }));
module.exports = web;
"""

MAIN = """
const http = require('http');
const cors = require(%(modules)s + '/cors');
const web = require('./web');
web.use('/', cors(), (req, res) => res.send('ok'));
const server = web.listen(0, async () => {
  const port = server.address().port;
  const ask = (method, headers) => new Promise((done) => {
    const req = http.request({ port, path: '/graphql', method, headers }, (res) => {
      res.resume();
      res.on('end', () => done({ status: res.statusCode, headers: res.headers }));
    });
    req.end();
  });
  const listed = 'https://recipes.example.org';
  const evil = 'https://evil.example';
  const preflight = await ask('OPTIONS', { origin: evil, 'access-control-request-method': 'POST' });
  const listedPost = await ask('POST', { origin: listed });
  const evilPost = await ask('POST', { origin: evil });
  console.log(JSON.stringify({ preflight, listedPost, evilPost }));
  server.close();
});
"""


def _run(tmp_path: Path) -> dict[str, dict[str, object]]:
    modules = json.dumps(str(NODE_DIR / "node_modules"))
    (tmp_path / "web.js").write_text(WEB % {"modules": modules})
    (tmp_path / "main.js").write_text(MAIN % {"modules": modules})
    out = subprocess.run(
        ["node", str(tmp_path / "main.js")], capture_output=True, text=True, timeout=60, check=True
    )
    answers: dict[str, dict[str, object]] = json.loads(out.stdout)
    return answers


def test_the_imported_apps_cors_answers_preflights_and_the_second_opens_responses(tmp_path: Path) -> None:
    require_node_package("express")
    answers = _run(tmp_path)
    preflight, listed, evil = answers["preflight"], answers["listedPost"], answers["evilPost"]
    # the imported module's cors() ends the preflight: the importer's layer never sees one
    assert preflight["status"] == 204
    assert "access-control-allow-origin" not in preflight["headers"]  # type: ignore[operator]
    # on other requests the second layer's `*` replaces the first's origin, and the first's
    # Allow-Credentials stays: a mix of both policies
    for answer in (listed, evil):
        headers = answer["headers"]
        assert headers["access-control-allow-origin"] == "*"  # type: ignore[index]
    assert listed["headers"]["access-control-allow-credentials"] == "true"  # type: ignore[index]


def test_corslint_reports_the_second_layer_on_the_imported_app() -> None:
    result = lint([FIXTURES / "imported_app_second_cors_layer"], Settings())
    messages = [f.message for f in result.findings if f.rule_id == "CORS302"]
    assert len(messages) == 1
    assert "answers every preflight itself" in messages[0]
    assert "such as `Access-Control-Allow-Credentials`" in messages[0]


def test_corslint_keys_an_apollo_layer_on_an_imported_app_built_by_a_factory() -> None:
    result = lint([FIXTURES / "apollo_factory_server_imported_app"], Settings())
    assert [f.rule_id for f in result.findings] == ["CORS302"]


def test_one_layer_on_an_imported_app_is_not_doubled() -> None:
    result = lint([FIXTURES / "imported_app_single_cors_layer_clean"], Settings())
    assert result.findings == []
