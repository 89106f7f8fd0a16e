"""LoopBack 3 `server/middleware.json` `cors` entries, and `middleware.production.js`
merged over them, against the real cors package (tests/node).

loopback's `app.middlewareFromConfig(require('cors'), config)` calls `cors(...params)`
(`params` wrapped in an array when it is not one); loopback-boot merges
`middleware.<env>.js` over the main file key by key (scalars replaced, the rest kept).
The script below does exactly that on the fixture's own files, then asks the resulting
cors layer. (Measured once on the whole stack too, loopback 3.28.0 + loopback-boot 3.3.1
+ cors 2.8.5: the same headers with NODE_ENV unset and =production; an unlisted constant
in the production callback answers 500.)"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from corslint.runner.run import lint
from corslint.runner.settings import Settings
from tests.test_differential_express import NODE_DIR, require_node_package

FIXTURES = Path(__file__).parent / "fixtures" / "express"
REFLECT = FIXTURES / "loopback_middleware_json_reflect_credentials" / "server"
CLEAN = FIXTURES / "loopback_middleware_json_listed_origin_clean" / "server"

SCRIPT = """
const modules = %(modules)s;
const express = require(modules + '/express');
const cors = require(modules + '/cors');
const http = require('http');
const master = require(%(master)s);
const override = %(override)s ? require(%(override)s) : {};
const entry = JSON.parse(JSON.stringify(master.initial.cors));
const extra = ((override.initial || {}).cors || {}).params || {};
entry.params = Object.assign(entry.params || {}, extra);
const params = Array.isArray(entry.params) ? entry.params : [entry.params];
const app = express();
app.use(cors.apply(null, params));
app.get('/api/parcels', (req, res) => res.json([]));
const server = app.listen(0, async () => {
  const port = server.address().port;
  const ask = (method, headers) => new Promise((done) => {
    const req = http.request({ port, path: '/api/parcels', method, headers }, (res) => {
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


def _ask(master: Path, override: Path | None) -> dict[str, dict[str, dict[str, str]]]:
    script = SCRIPT % {
        "modules": json.dumps(str(NODE_DIR / "node_modules")),
        "master": json.dumps(str(master)),
        "override": json.dumps(str(override)) if override is not None else "null",
    }
    out = subprocess.run(["node", "-e", script], capture_output=True, text=True, timeout=60, check=True)
    answers: dict[str, dict[str, dict[str, str]]] = json.loads(out.stdout)
    return answers


def _findings(fixture: Path) -> list[tuple[str, str, int]]:
    result = lint([fixture.parent], Settings())
    return sorted((f.rule_id, Path(f.location.path).name, f.location.line) for f in result.findings)


def test_default_params_reflect_every_origin_with_credentials() -> None:
    require_node_package("cors")
    get = _ask(REFLECT / "middleware.json", None)["get"]["headers"]
    assert get["access-control-allow-origin"] == "https://evil.example"
    assert get["access-control-allow-credentials"] == "true"
    preflight = _ask(REFLECT / "middleware.json", None)["preflight"]["headers"]
    assert preflight["access-control-max-age"] == "86400"
    assert ("CORS101", "middleware.json", 9) in _findings(REFLECT)
    assert ("CORS207", "middleware.json", 11) in _findings(REFLECT)


def test_production_callback_overwriting_origin_admits_everyone() -> None:
    require_node_package("cors")
    answers = _ask(REFLECT / "middleware.json", REFLECT / "middleware.production.js")
    get = answers["get"]["headers"]
    assert get["access-control-allow-origin"] == "https://evil.example"
    assert get["access-control-allow-credentials"] == "true"  # kept from middleware.json
    assert ("CORS101", "middleware.production.js", 9) in _findings(REFLECT)


def test_listed_origin_is_not_reflected_and_corslint_stays_quiet() -> None:
    require_node_package("cors")
    get = _ask(CLEAN / "middleware.json", None)["get"]["headers"]
    assert "access-control-allow-origin" not in get  # the evil origin is not listed
    assert _findings(CLEAN) == []
