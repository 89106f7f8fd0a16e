"""Differential truth for hand-written Koa CORS code whose tests corslint reads through a
local or a RegExp: `const preflight = /options/i.test(ctx.request.method); if (!preflight)
return next();` after the headers, and `const isPartner = pattern.test(origin); if
(!isPartner) return next();` before them (tests/fixtures/koa/handwritten_method_regex_then_next,
tests/fixtures/koa/handwritten_guard_held_in_local).

Each fixture's middleware runs on the real koa (tests/node/harness.js, a "koa" case, with
an answering middleware after it) and corslint's policy must answer the probe battery as
it does; known answers only (a preflight passed on to the routes is no question here).
"""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES, policies_linted_inside
from tests.probe_battery import battery
from tests.test_differential_express import compare_answers, require_node_package, run_harness, wire

CASES = {
    # fixture: (file, the middleware's text starts with, the module-level lines it reads)
    "handwritten_method_regex_then_next": ("cors.js", "async function cors(ctx, next)", 0),
    "handwritten_guard_held_in_local": ("app.js", "async (ctx, next) => {", 2),
}


def _source(project: str) -> tuple[str, str]:
    file, start_text, constants = CASES[project]
    text = (FIXTURES / "koa" / project / file).read_text("utf-8")
    start = text.index(start_text)
    end = (
        text.index("\n}", start) + 2
        if start_text.startswith("async function")
        else text.index("\n});", start) + 2
    )
    lines = [line for line in text.splitlines() if line.startswith("const ") and "require(" not in line]
    preamble = "\n".join(line for line in lines if "new Koa" not in line and "new Router" not in line)
    return (preamble if constants else ""), text[start:end]


@pytest.mark.parametrize("project", sorted(CASES))
def test_middleware_answers_as_real_koa(project: str) -> None:
    require_node_package("koa")
    (policy,) = policies_linted_inside(FIXTURES / "koa" / project, "koa_headers")
    requests = battery(policy)
    preamble, source = _source(project)
    case = {
        "kind": "koa",
        "name": project,
        "preamble": preamble,
        "source": source,
        "requests": [wire(request) for request in requests],
    }
    real_answers = run_harness([case])[project]
    mismatches, compared = compare_answers(policy, list(requests), real_answers)
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 40
