"""Differential truth for hand-written Koa CORS code that tests its own `*` fallback:
`const origin = ctx.get('Origin') || '*'` written as Allow-Origin, and Allow-Credentials
added `if (origin !== '*')`, which corslint reads as a test of the Origin's presence
(express/handwritten_tests.py `_star_fallback_test`; tests/fixtures/koa/
handwritten_echo_or_star_credentials_unless_star). The fixture's middleware runs on the
real koa (tests/node/harness.js, a "koa" case) and the policy must answer the probe battery
as it does. Requests without an Origin are left out, as in test_differential_koa_origin_fallback:
only they get the fallback, and no browser reads CORS headers on a request sent without one."""

from __future__ import annotations

from tests.conftest import FIXTURES, policies_linted_inside
from tests.probe_battery import battery
from tests.test_differential_express import compare_answers, require_node_package, run_harness, wire

PROJECT = FIXTURES / "koa" / "handwritten_echo_or_star_credentials_unless_star"


def test_star_fallback_test_answers_as_real_koa() -> None:
    require_node_package("koa")
    (policy,) = policies_linted_inside(PROJECT, "koa_headers")
    requests = [request for request in battery(policy) if request.origin is not None]
    text = (PROJECT / "lib" / "allowCrossOrigin.js").read_text("utf-8")
    start = text.index("async (ctx, next) => {")
    source = text[start : text.index("\n  };", start) + 4]
    case = {
        "kind": "koa",
        "name": "star_fallback",
        "source": source,
        "requests": [wire(request) for request in requests],
    }
    real_answers = run_harness([case])["star_fallback"]
    mismatches, compared = compare_answers(policy, requests, real_answers)
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 40
