"""Differential truth for headers handed to a Hono answer as its third argument
(`c.json(body, 200, { ...openHeaders })`, `c.body(null, 204, openHeaders)`;
extractors.express.hono_answer_headers): the fixture's own app runs on the real Hono
(its TypeScript has no type annotations, so node runs it once the import and export are
rewritten), and each route's hand-written policy must answer that route's requests as
Hono does."""

from __future__ import annotations

import json
import subprocess

from corslint.browser import PageRequest
from tests.conftest import FIXTURES, policies_linted_inside
from tests.test_differential_express import NODE_DIR, compare_answers, require_node_package, wire

_NAME = "json_answer_headers_argument"
_ORIGINS = ("https://evil.example", "https://reader.example.org")
_RUN = """
const { Hono } = require('hono');
%s
(async () => {
  const answers = [];
  for (const request of %s) {
    const init = { method: request.method, headers: request.headers };
    if (request.method === 'POST') init.body = JSON.stringify({ text: 'One. Two.' });
    const response = await app.fetch(new Request('http://127.0.0.1' + request.path, init));
    answers.push({ status: response.status, headers: [...response.headers.entries()] });
  }
  console.log(JSON.stringify(answers));
})();
"""


def test_answer_headers_argument_as_hono_sends_it() -> None:
    require_node_package("hono")
    project = FIXTURES / "hono" / _NAME
    policies = policies_linted_inside(project, "hono_headers")
    by_line = {policy.location.line: policy for policy in policies}
    source = (project / "src" / "index.ts").read_text("utf-8")
    source = source.replace("import { Hono } from 'hono';", "").replace("export default app;", "")
    posts = [
        PageRequest(origin, "POST", (("content-type", "text/plain"),), path="/summarise").actual()
        for origin in _ORIGINS
    ]
    preflights = [
        PageRequest(origin, "POST", (("content-type", "application/json"),), path="/summarise").preflight()
        for origin in _ORIGINS
    ]
    requests = posts + preflights
    script = _RUN % (source, json.dumps([wire(request) for request in requests]))
    completed = subprocess.run(
        ["node", "-e", script], capture_output=True, text=True, timeout=120, cwd=NODE_DIR, check=False
    )
    assert completed.returncode == 0, completed.stderr
    answers = json.loads(completed.stdout)
    for policy, sent, real in (
        (by_line[12], posts, answers[: len(posts)]),
        (by_line[18], preflights, answers[len(posts) :]),
    ):
        mismatches, compared = compare_answers(policy, sent, real)
        assert not mismatches, "\n".join(mismatches)
        assert compared == len(sent)
