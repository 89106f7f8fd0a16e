"""Differential truth for a Hono middleware that answers the preflight with a Fetch
`Response` of its own and copies the same header record onto the app's answer after
`await next()` (extractors.express.hono_fetch_middleware, url_host_predicates; the shape of
AutumnsGrove/GroveAuth `src/middleware/cors.ts`): the fixture's own app, its middleware,
its routes and its mounted sub-app run on the real Hono (the modules joined into one script,
their imports and exports dropped), and the policy corslint reads must answer each request
as Hono does: listed origins and https subdomains echoed with credentials, others refused,
the preflight of the sub-app's DELETE answered without DELETE."""

from __future__ import annotations

import json
import re
import subprocess

from corslint.browser import PageRequest
from tests.conftest import FIXTURES, sole_policy_inside
from tests.test_differential_express import NODE_DIR, compare_answers, require_node_package, wire

_PROJECT = FIXTURES / "hono" / "fetch_response_middleware_subdomains"
_FILES = ("src/middleware/cors.js", "src/routes/sessions.js", "src/index.js")
_ORIGINS = (
    "https://portal.tallyhall.example",  # listed
    "https://billing.tallyhall.example",  # an https subdomain
    "https://billing.tallyhall.example:8443",  # any port
    "http://billing.tallyhall.example",  # not https: refused
    "https://tallyhall.example",  # the bare domain: not a subdomain
    "https://tallyhall.example.evil.test",  # the domain inside another
    "https://eviltallyhall.example",  # no dot before the suffix
    "null",
)
_RUN = """
const { Hono } = require('hono');
const { createMiddleware } = require('hono/factory');
%s
(async () => {
  const answers = [];
  for (const request of %s) {
    const init = { method: request.method, headers: request.headers };
    const response = await app.fetch(new Request('http://127.0.0.1' + request.path, init));
    answers.push({ status: response.status, headers: [...response.headers.entries()] });
  }
  console.log(JSON.stringify(answers));
})();
"""
# the joined modules: each one's imports dropped, its exports plain declarations
_IMPORT = re.compile(r"^import .*;$", re.MULTILINE)


def _script_body() -> str:
    parts = []
    for name in _FILES:
        source = _IMPORT.sub("", (_PROJECT / name).read_text("utf-8"))
        source = source.replace("export const ", "const ").replace("export default app;", "")
        parts.append(source.replace("export default sessions;", ""))
    return "\n".join(parts)


def test_fetch_response_middleware_as_hono_runs_it() -> None:
    require_node_package("hono")
    policy = sole_policy_inside(_PROJECT, "fetch_headers")
    requests = []
    for origin in _ORIGINS:
        requests += [
            PageRequest(origin, "GET", credentials=True, path="/me").actual(),
            PageRequest(origin, "POST", (("content-type", "application/json"),), True, "/logout").preflight(),
            PageRequest(origin, "DELETE", credentials=True, path="/sessions/s1").preflight(),
            PageRequest(origin, "GET", (("authorization", "Bearer t"),), True, "/sessions").preflight(),
        ]
    script = _RUN % (_script_body(), json.dumps([wire(request) for request in requests]))
    completed = subprocess.run(
        ["node", "-e", script], capture_output=True, text=True, timeout=120, cwd=NODE_DIR, check=False
    )
    assert completed.returncode == 0, completed.stderr
    answers = json.loads(completed.stdout)
    mismatches, compared = compare_answers(policy, requests, answers, unresolved_counts=True)
    assert not mismatches, "\n".join(mismatches)
    assert compared == len(requests)
    # what the findings rest on, seen in the real answers: a subdomain is echoed with
    # credentials and no Vary (CORS107), the DELETE preflight lacks DELETE (CORS202)
    echoed = dict(answers[4]["headers"])
    assert echoed.get("access-control-allow-origin") == "https://billing.tallyhall.example"
    assert "vary" not in echoed
    assert "DELETE" not in dict(answers[6]["headers"])["access-control-allow-methods"]
    assert "access-control-allow-origin" not in dict(answers[12]["headers"])  # http: refused
