"""Differential truth: @koa/cors `origin` functions that answer the request's Origin with a
fallback (`ctx => ctx.request.header.origin || '*'`, shulandmimi/electro-server), which
corslint reads as reflecting every origin (`express.defaulted_origin_reads`).

The fixtures' own origin functions run in the real `@koa/cors` (tests/node/harness.js, a
"koa" case whose middleware is `require('@koa/cors')({...})` with the fixture's options
written out), in front of a last middleware answering 200; every answer to the probe
battery must equal the model's, status and CORS headers. Requests without an Origin are
left out: only they get the fallback (`*`, or with credentials an empty Allow-Origin),
and no browser reads CORS headers on a request it sent without one."""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES, policies_linted_inside
from tests.probe_battery import battery
from tests.test_differential_express import compare_answers, require_node_package, run_harness, wire

CASES = {
    # the fixture's options, as written there
    "origin_fallback_star_credentials": (
        "{ origin: (ctx) => ctx.request.header.origin || '*', credentials: true,"
        " allowHeaders: ['Content-Type', 'Authorization'] }"
    ),
    "origin_get_fallback_public": "{ origin(ctx) { return ctx.get('Origin') ?? 'https://tickets.example.org'; } }",
}


@pytest.mark.parametrize("project", sorted(CASES))
def test_fallback_origin_function_matches_koa_cors(project: str) -> None:
    require_node_package("@koa/cors")
    policies = policies_linted_inside(FIXTURES / "koa" / project, "koa_cors")
    assert len(policies) == 1, policies
    policy = policies[0]
    assert policy.options["origin"].raw.kind == "reflect-all"
    requests = [request for request in battery(policy) if request.origin is not None]
    case = {
        "kind": "koa",
        "name": project,
        "source": f"require('@koa/cors')({CASES[project]})",
        "requests": [wire(request) for request in requests],
    }
    real_answers = run_harness([case])[project]
    mismatches, _ = compare_answers(policy, list(requests), real_answers, unresolved_counts=True)
    assert not mismatches, "\n".join(mismatches[:20])
    assert len(requests) > 20
