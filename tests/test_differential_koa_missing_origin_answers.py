"""Differential truth: a @koa/cors `origin` function with an answer only requests without an
Origin reach (`if (!requestOrigin) return '*'`) before its real test, an unanchored RegExp
(mmgalarza/vue3-koa-prisma-fullstack `back/src/app.ts`; express.missing_origin_answers).

The fixture's own options run in the real `@koa/cors` 5 (a "koa" case, its RegExp and function
written out as in the fixture) in front of a last middleware answering 200; every answer to
the probe battery, and to origins the pattern admits by accident, must equal the model's.
Requests without an Origin are left out: only they get the `*` (with credentials, an empty
Allow-Origin), and no browser reads CORS headers on a request it sent without one."""

from __future__ import annotations

from corslint.browser import PageRequest
from tests.conftest import FIXTURES, policies_linted_inside
from tests.probe_battery import battery
from tests.test_differential_express import compare_answers, require_node_package, run_harness, wire

_PROJECT = "origin_fn_lan_regex_star_without_origin"
_OPTIONS = (
    "{ origin: (ctx) => { const requestOrigin = ctx.get('Origin'); if (!requestOrigin) return '*';"
    " return /localhost|127\\.0\\.0\\.1|^http:\\/\\/192\\.168\\.|^http:\\/\\/10\\./.test(requestOrigin)"
    " ? requestOrigin : ''; }, credentials: true }"
)
_ORIGINS = (
    "https://localhost.attacker.test",
    "http://10.attacker.test",
    "http://192.168.1.20",
    "https://shop.example",
)


def test_lan_regex_function_matches_koa_cors() -> None:
    require_node_package("@koa/cors")
    (policy,) = policies_linted_inside(FIXTURES / "koa" / _PROJECT, "koa_cors")
    assert policy.options["origin"].raw.kind == "allow-list"
    requests = [request for request in battery(policy) if request.origin is not None]
    requests += [PageRequest(origin, "GET", credentials=True).actual() for origin in _ORIGINS]
    case = {
        "kind": "koa",
        "name": _PROJECT,
        "source": f"require('@koa/cors')({_OPTIONS})",
        "requests": [wire(request) for request in requests],
    }
    real_answers = run_harness([case])[_PROJECT]
    mismatches, compared = compare_answers(policy, list(requests), real_answers, unresolved_counts=True)
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 20
