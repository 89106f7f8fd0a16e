"""Differential truth for a Cloudflare Worker entry that answers OPTIONS with a helper of
another module and every other method through a handler of a third one, naming no
`Response` itself: `if (request.method === "OPTIONS") return corsPreflight(); return
lookup(request, env)` (tests/fixtures/serverless/worker_entry_imported_preflight_helper;
seen in Unnunoctio/cf-proxy-relay `src/index.js` + `src/middleware/cors.js`, held-out set 18).

The Worker's modules run in Node with the platform's own Fetch `Request`/`Response`, the
Worker's `fetch` called for each request on a plain Node server (tests/node/harness.js, a
"node" case), with a KV binding that finds nothing. corslint's policy of the entry must
answer the probe battery as it does: the helper's preflight answer (its Max-Age included)
and the handler's `*` on the other methods."""

from __future__ import annotations

import re

from corslint.http import Request, Response
from tests.conftest import FIXTURES, policies_linted_inside
from tests.probe_battery import battery
from tests.test_differential_express import compare_answers, require_node_package, run_harness, wire

PROJECT = FIXTURES / "serverless" / "worker_entry_imported_preflight_helper"
MODULES = ("src/lib/cors.js", "src/lib/reply.js", "src/lookup.js", "src/worker.js")
SOURCE = """(req, res) => {
  const request = new Request('http://localhost' + req.url, { method: req.method, headers: req.headers });
  const env = { GEO: { get: async () => null } };
  worker.fetch(request, env).then((response) => {
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end();
  });
}"""


def _script() -> str:
    """The Worker's modules as one script: imports dropped, exports made declarations."""
    parts = []
    for name in MODULES:
        text = (PROJECT / name).read_text("utf-8")
        text = re.sub(r"^import .*$", "", text, flags=re.MULTILINE)
        text = text.replace("export default {", "const worker = {").replace("export ", "")
        parts.append(text)
    return "\n".join(parts)


def _status(request: Request, predicted: Response) -> int:
    """What the Worker answers besides its CORS headers: 204 to OPTIONS, 400 to a GET
    without `?ip=`, 405 to any other method."""
    return 204 if request.method == "OPTIONS" else 400 if request.method == "GET" else 405


def test_entry_answers_with_its_imported_helpers() -> None:
    require_node_package("express")
    (policy,) = [
        found
        for found in policies_linted_inside(PROJECT, "fetch_headers")
        if found.app.startswith("src/worker.js")
    ]
    requests = [request for request in battery(policy) if request.origin is not None]
    for origin in ("https://maps.example.net", "http://192.168.1.20:3000"):
        requests += [
            Request("GET", origin, path="/"),
            Request("OPTIONS", origin, (("access-control-request-method", "GET"),), path="/"),
        ]
    case = {
        "kind": "node",
        "name": "worker",
        "preamble": _script(),
        "source": SOURCE,
        "requests": [wire(r) for r in requests],
    }
    real_answers = run_harness([case])["worker"]
    max_ages = {
        value
        for answer in real_answers
        for name, value in answer["headers"]
        if name.lower() == "access-control-max-age"
    }
    assert max_ages == {"172800"}
    mismatches, compared = compare_answers(
        policy, list(requests), real_answers, unresolved_counts=True, status_of=_status
    )
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 25
