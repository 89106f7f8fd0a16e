"""Differential truth for hand-written Koa CORS code that echoes the Origin under
`if (ctx.request.header.origin !== ctx.origin)` (tests/fixtures/koa/
handwritten_echo_unless_own_origin; seen in census 6 sample 270, a Koa app's `app.js`).

In koa 2, `ctx.origin` is the server's own origin (protocol and Host), which a cross-origin
page's Origin never equals: the test holds for every request CORS governs. Since koa 3.0 it
is the Origin header itself, so the same code never answers a cross-origin page
(tests/fixtures/koa/handwritten_own_origin_koa3_clean). Each fixture's middleware runs on the
koa major its package.json names (tests/node/harness.js, a "koa" case: `koa-2` is koa 2.16.1,
`koa` 3.3.0, with an answering middleware after it), and corslint's policy must answer the
probe battery, with two more origins (one the server's own host over another port), as it
does."""

from __future__ import annotations

import json

from corslint.http import Request
from tests.conftest import FIXTURES, policies_linted_inside
from tests.probe_battery import battery
from tests.test_differential_express import compare_answers, require_node_package, run_harness, wire

PROJECTS = (
    (FIXTURES / "koa" / "handwritten_echo_unless_own_origin", "koa-2"),
    (FIXTURES / "koa" / "handwritten_own_origin_koa3_clean", "koa"),
)
MORE = ("https://pantry.example.org", "http://127.0.0.1:1")


def test_echo_unless_own_origin_answers_as_real_koa() -> None:
    require_node_package("koa")
    require_node_package("koa-2")
    for project, package in PROJECTS:
        (policy,) = policies_linted_inside(project, "koa_headers")
        requests = [request for request in battery(policy) if request.origin is not None]
        requests += [Request("GET", origin, path="/") for origin in MORE]
        requests += [
            Request("OPTIONS", origin, (("access-control-request-method", "PUT"),), path="/")
            for origin in MORE
        ]
        text = (project / "middleware" / "crossSite.js").read_text("utf-8")
        start = text.index("async function crossSite(ctx, next)")
        source = text[start : text.index("\n}", start) + 2]
        case = {
            "kind": "koa",
            "package": package,
            "name": package,
            "source": source,
            "requests": [wire(r) for r in requests],
        }
        real_answers = run_harness([case])[package]
        mismatches, compared = compare_answers(policy, list(requests), real_answers, unresolved_counts=True)
        assert not mismatches, f"{package}: " + "\n".join(mismatches[:20])
        assert compared > 25


RECORD = FIXTURES / "koa" / "node_config_header_record"


def test_config_header_record_answers_as_real_koa() -> None:
    """`ctx.set(serverConfig.headers)` with the record in node-config's `config/default.cjs`
    (tests/fixtures/koa/node_config_header_record; seen in jsdelivr/data.jsdelivr.com,
    heldout 14): the middleware runs on the real koa 2 with the record node loads from the
    fixture's own file."""
    require_node_package("koa-2")
    (policy,) = policies_linted_inside(RECORD, "koa_headers")
    requests = [request for request in battery(policy) if request.origin is not None]
    text = (RECORD / "src" / "server.js").read_text("utf-8")
    start = text.index("async (ctx, next) => {")
    source = text[start : text.index("\n}", start) + 2]
    defaults = (RECORD / "config" / "default.cjs").resolve()
    case = {
        "kind": "koa",
        "package": "koa-2",
        "name": "record",
        "preamble": f"const serverConfig = require({json.dumps(str(defaults))}).server;",
        "source": source,
        "requests": [wire(r) for r in requests],
    }
    real_answers = run_harness([case])["record"]
    # what answers its OPTIONS is the router's allowedMethods(), not read here: simple requests
    mismatches, compared = compare_answers(policy, list(requests), real_answers)
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 5
