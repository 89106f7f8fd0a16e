"""Differential truth for an Elysia `cors()` plugin exported from a module nothing imports
(census 10 C1, APE-ARCHIVE/backend src/plugins/cors.ts): the fixture's own modules run on the
real elysia 1.4.30 / @elysiajs/cors 1.4.2 (tests/node). The app answers with no CORS headers
from the stray plugin (corslint: CORS303 only, no CORS101), while the same plugin, once an
instance `.use`s it, reflects any Origin with credentials (what corslint reports when it is
reached: tests/fixtures/elysia/plugin_reexported_then_used)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from tests.conftest import FIXTURES, run_lint
from tests.test_differential_express import NODE_DIR, require_node_package

PROJECT = FIXTURES / "elysia" / "plugin_exported_never_used"

_SCRIPT = """
import { Elysia } from 'elysia'
import { app } from './src/server.js'
import { openCors } from './src/plugins/open-cors.js'

const ask = async (instance, method, origin) => {
  const headers = { origin }
  if (method === 'OPTIONS') headers['access-control-request-method'] = 'POST'
  const answer = await instance.handle(new Request('http://local/ledger/', { method, headers }))
  return {
    status: answer.status,
    origin: answer.headers.get('access-control-allow-origin'),
    credentials: answer.headers.get('access-control-allow-credentials'),
  }
}
const used = new Elysia().use(openCors).get('/ledger/', () => [])
const out = {}
for (const origin of ['https://evil.example', 'https://ledger.example.com']) {
  out[`app GET ${origin}`] = await ask(app, 'GET', origin)
  out[`app OPTIONS ${origin}`] = await ask(app, 'OPTIONS', origin)
  out[`used GET ${origin}`] = await ask(used, 'GET', origin)
}
console.log(JSON.stringify(out))
"""


def _real_answers(tmp_path: Path) -> dict[str, dict[str, object]]:
    copy = tmp_path / "project"
    shutil.copytree(PROJECT, copy)
    (copy / "node_modules").symlink_to(NODE_DIR / "node_modules", target_is_directory=True)
    (copy / "probe.mjs").write_text(_SCRIPT)
    completed = subprocess.run(
        ["node", "probe.mjs"], cwd=copy, capture_output=True, text=True, timeout=120, check=False
    )
    assert completed.returncode == 0, completed.stderr
    answers: dict[str, dict[str, object]] = json.loads(completed.stdout)
    return answers


def test_the_stray_plugin_sends_nothing_and_corslint_says_so(tmp_path: Path) -> None:
    require_node_package("@elysiajs/cors")
    real = _real_answers(tmp_path)
    # the app: only its own allow-list policy answers; a foreign Origin gets no CORS headers
    assert real["app GET https://evil.example"]["origin"] is None
    assert real["app OPTIONS https://evil.example"]["origin"] is None
    assert real["app GET https://ledger.example.com"]["origin"] == "https://ledger.example.com"
    # the same plugin value, once used: any Origin reflected with credentials
    assert real["used GET https://evil.example"]["origin"] == "https://evil.example"
    assert real["used GET https://evil.example"]["credentials"] == "true"

    findings = run_lint(PROJECT).findings
    assert [(f.rule_id, Path(f.location.path).name) for f in findings] == [("CORS303", "open-cors.js")]


def test_a_plugin_reached_through_a_barrel_is_still_judged() -> None:
    findings = run_lint(FIXTURES / "elysia" / "plugin_reexported_then_used").findings
    assert [f.rule_id for f in findings] == ["CORS101"]
