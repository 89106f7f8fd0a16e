"""Differential truth for a hand-written Node helper that reads the Origin under a key
lower-cased where it is read, `req.headers['Origin'.toLowerCase()]`: Node stores request
headers under lower-case names, so the key folds to `origin` and the helper echoes every
caller's origin (tests/fixtures/serverless/vercel_helper_lowercased_origin_key; seen in
jiyaski/personal-website `server/setup.js`, held-out set 18).

The fixture's helper runs on a plain Node server (tests/node/harness.js, a "node" case) as
its Vercel function calls it, with Vercel's `res.status()` and `res.json()` on the
response. corslint's policy must answer the probe battery as it does."""

from __future__ import annotations

from corslint.http import Request
from tests.conftest import FIXTURES, policies_linted_inside
from tests.probe_battery import battery
from tests.test_differential_express import compare_answers, require_node_package, run_harness, wire

PROJECT = FIXTURES / "serverless" / "vercel_helper_lowercased_origin_key"


def test_lowercased_key_echoes_the_origin_as_node_does() -> None:
    require_node_package("express")
    (policy,) = policies_linted_inside(PROJECT, "node_headers")
    requests = [request for request in battery(policy) if request.origin is not None]
    for origin in ("https://blog.example.org", "http://10.0.0.7:8080"):
        requests += [
            Request("GET", origin, path="/"),
            Request("OPTIONS", origin, (("access-control-request-method", "GET"),), path="/"),
        ]
    helper = (PROJECT / "lib" / "headers.js").read_text("utf-8").split("module.exports", 1)[0]
    handler = (PROJECT / "api" / "visits.js").read_text("utf-8").split("module.exports = ", 1)[1]
    source = (
        handler.strip()
        .rstrip(";")
        .replace(
            "async (req, res) => {",
            "async (req, res) => {\n  res.status = (code) => { res.statusCode = code; return res; };\n"
            "  res.json = (body) => res.end(JSON.stringify(body));",
            1,
        )
    )
    case = {
        "kind": "node",
        "name": "lowercased",
        "preamble": helper,
        "source": source,
        "requests": [wire(r) for r in requests],
    }
    real_answers = run_harness([case])["lowercased"]
    echoed = {
        value
        for answer in real_answers
        for name, value in answer["headers"]
        if name.lower() == "access-control-allow-origin"
    }
    assert "https://blog.example.org" in echoed, "Node reads the Origin under the folded key"
    mismatches, compared = compare_answers(policy, list(requests), real_answers)
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 25
