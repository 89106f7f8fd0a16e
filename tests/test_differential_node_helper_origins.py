"""Differential truth for Node CORS helpers whose Allow-Origin comes from the request's
Origin through a variable or a parameter.

A pages-API helper that picks the Origin from an allow-list into a variable, `const origin = trustedOrigin(req)` with `return TRUSTED.includes(o) ? o
: null`, then `if (origin) res.setHeader("Access-Control-Allow-Origin", origin)`
(tests/fixtures/nextjs/pages_api_picked_origin_helper; seen in 11degenerates/breakupbot
`lib/cors.ts`).

The fixture's helper runs on a plain Node server (tests/node/harness.js, a "node" case) as
its API route calls it, with Next.js's `res.status()` on the response, and the route
answering 200 when the helper does not end the request. corslint's policy must answer the
probe battery, with the listed origins added, as it does.

A Vercel function handing the Origin to a helper of its own file, `allowOrigin(res,
req.headers.origin)` (tests/fixtures/serverless/vercel_local_helper_origin_argument; seen in
AbuTaha01/aol-ep-enhancer `api/export-csv-v2.js`): the helper is read at the call, its
parameter being the Origin, and the function runs the same way."""

from __future__ import annotations

from corslint.http import Request
from tests.conftest import FIXTURES, policies_linted_inside
from tests.probe_battery import battery
from tests.test_differential_express import compare_answers, require_node_package, run_harness, wire

PROJECT = FIXTURES / "nextjs" / "pages_api_picked_origin_helper"
VERCEL = FIXTURES / "serverless" / "vercel_local_helper_origin_argument"
LISTED = ("https://shop.example.com", "http://127.0.0.1:5173")
ROUTE = """(req, res) => {
  res.status = (code) => { res.statusCode = code; return res; };
  if (withCors(req, res)) return;
  res.statusCode = 200;
  res.end("ok");
}"""


def test_picked_origin_answers_as_the_helper_does() -> None:
    require_node_package("express")
    (policy,) = policies_linted_inside(PROJECT, "node_headers")
    requests = [request for request in battery(policy) if request.origin is not None]
    for origin in LISTED:
        requests += [
            Request("GET", origin, path="/"),
            Request("OPTIONS", origin, (("access-control-request-method", "POST"),), path="/"),
        ]
    helper = (PROJECT / "lib" / "cors.js").read_text("utf-8").replace("export function", "function")
    case = {
        "kind": "node",
        "name": "picked",
        "preamble": helper,
        "source": ROUTE,
        "requests": [wire(r) for r in requests],
    }
    real_answers = run_harness([case])["picked"]
    mismatches, compared = compare_answers(policy, list(requests), real_answers)
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 25


def test_origin_argument_answers_as_the_function_does() -> None:
    require_node_package("express")
    (policy,) = policies_linted_inside(VERCEL, "node_headers")
    requests = [request for request in battery(policy) if request.origin is not None]
    for origin in ("https://dash.example.io", "http://localhost:5173"):
        requests += [
            Request("GET", origin, path="/"),
            Request("OPTIONS", origin, (("access-control-request-method", "POST"),), path="/"),
        ]
    text = (VERCEL / "api" / "reports.js").read_text("utf-8")
    helper, handler = text.split("module.exports = ", 1)
    source = (
        handler.strip()
        .rstrip(";")
        .replace(
            "async (req, res) => {",
            "async (req, res) => {\n  res.status = (code) => { res.statusCode = code; return res; };\n  res.json = (body) => res.end(JSON.stringify(body));",
            1,
        )
    )
    case = {
        "kind": "node",
        "name": "argument",
        "preamble": helper,
        "source": source,
        "requests": [wire(r) for r in requests],
    }
    real_answers = run_harness([case])["argument"]
    mismatches, compared = compare_answers(policy, list(requests), real_answers)
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 25
