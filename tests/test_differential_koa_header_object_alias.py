"""Differential truth for hand-written Koa CORS code that keeps the request's whole header
object in a local behind a fallback (`const incoming = ctx.request.header || {}`) and
echoes `incoming.origin` (tests/fixtures/koa/handwritten_header_object_alias; seen in
jiangjunguo-stc/koa-demo `utils/access.js`).

The fixture's middleware runs on the real koa (tests/node/harness.js, a "koa" case, with
an answering middleware after it) and corslint's policy must answer the probe battery as
it does, for every request that carries an Origin.
"""

from __future__ import annotations

from tests.conftest import FIXTURES, policies_linted_inside
from tests.probe_battery import battery
from tests.test_differential_express import compare_answers, require_node_package, run_harness, wire

PROJECT = FIXTURES / "koa" / "handwritten_header_object_alias"


def test_aliased_header_object_answers_as_real_koa() -> None:
    require_node_package("koa")
    (policy,) = policies_linted_inside(PROJECT, "koa_headers")
    # with no Origin, `ctx.set(name, undefined)` throws on koa 3 (500) and sends "undefined"
    # on koa 2; the hand-written model answers "" for every missing read (reported to its
    # owner): only requests with an Origin are compared
    requests = [request for request in battery(policy) if request.origin is not None]
    text = (PROJECT / "middleware" / "crossSite.js").read_text("utf-8")
    start = text.index("async function crossSite(ctx, next)")
    source = text[start : text.index("\n}", start) + 2]
    case = {
        "kind": "koa",
        "name": "alias",
        "source": source,
        "requests": [wire(request) for request in requests],
    }
    real_answers = run_harness([case])["alias"]
    mismatches, compared = compare_answers(policy, list(requests), real_answers)
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 40
