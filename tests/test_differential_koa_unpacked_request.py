"""Differential truth for hand-written Koa CORS code that reads the Origin through a local
bound to the request, `const { request } = ctx; request.header.origin` (tests/fixtures/koa/
handwritten_unpacked_request_listed_hosts; seen in ChrisChenSZ/egg-demo
`app/middleware/cors.js`, an Egg application middleware, which is Koa middleware).

The fixture's middleware runs on the real koa (tests/node/harness.js, a "koa" case, with an
answering middleware after it), and corslint's policy must answer the probe battery, with
the listed origins added, as it does."""

from __future__ import annotations

from corslint.http import Request
from tests.conftest import FIXTURES, policies_linted_inside
from tests.probe_battery import battery
from tests.test_differential_express import compare_answers, require_node_package, run_harness, wire

PROJECT = FIXTURES / "koa" / "handwritten_unpacked_request_listed_hosts"
LISTED = ("http://10.1.2.30:8080", "http://127.0.0.1:8080")


def test_unpacked_request_answers_as_real_koa() -> None:
    require_node_package("koa")
    (policy,) = policies_linted_inside(PROJECT, "koa_headers")
    requests = [request for request in battery(policy) if request.origin is not None]
    requests += [Request("GET", origin, path="/") for origin in LISTED]
    requests += [
        Request("OPTIONS", origin, (("access-control-request-method", "PUT"),), path="/") for origin in LISTED
    ]
    text = (PROJECT / "middleware" / "siteAccess.js").read_text("utf-8")
    start = text.index("async function siteAccess(ctx, next)")
    source = text[start : text.index("\n}", start) + 2]
    case = {"kind": "koa", "name": "unpacked", "source": source, "requests": [wire(r) for r in requests]}
    real_answers = run_harness([case])["unpacked"]
    mismatches, compared = compare_answers(policy, list(requests), real_answers)
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 25
