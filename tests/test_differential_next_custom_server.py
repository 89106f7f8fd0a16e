"""Differential truth for a custom Node server in front of Next.js: the cors package
registered before the Next.js request handler (`server.use(cors({...}))` then
`server.all('*', (req, res) => handle(req, res))`, or `cors(...)(req, res, () => handle(req,
res))` in `http.createServer`), with App Router route handlers exporting PATCH and DELETE
(tests/fixtures/nextjs/custom_server_cors_methods_miss_handlers and
custom_server_cors_methods_cover_handlers_clean; seen in aremirc/app `server.js`, held-out
set 18).

The fixture's `cors({...})` call runs with the real cors package on a plain Node server
(tests/node/harness.js, a "node" case) in front of a stand-in for Next.js's handler that
answers 200: the cors package answers every preflight itself (204) before Next.js runs, so
what it sends is what the browser judges. corslint's policy must answer the probe battery,
and the preflights of the route handlers' methods, as it does; and the methods of the
routes corslint gives the policy must be those the real answer leaves out (the miss) or
lists (the clean one)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from corslint.http import Request
from tests.conftest import FIXTURES, policies_linted_inside
from tests.probe_battery import battery
from tests.test_differential_express import compare_answers, require_node_package, run_harness, wire

MISS = FIXTURES / "nextjs" / "custom_server_cors_methods_miss_handlers"
CLEAN = FIXTURES / "nextjs" / "custom_server_cors_methods_cover_handlers_clean"
ORIGIN = "https://m.notes.example.com"
SOURCE = "(req, res) => layer(req, res, () => { res.statusCode = 200; res.end('from next'); })"


def _layer(project: Path) -> str:
    """The fixture's own `cors({...})` call, as the script's `layer`."""
    text = (project / "server.js").read_text("utf-8")
    match = re.search(r"cors\(\{.*?\}\)", text, re.DOTALL)
    assert match is not None
    return f"const cors = require('cors');\nconst layer = {match.group(0)};\n"


@pytest.mark.parametrize(("project", "fails"), [(MISS, True), (CLEAN, False)])
def test_cors_answers_the_handlers_preflights(project: Path, fails: bool) -> None:
    require_node_package("cors")
    (policy,) = policies_linted_inside(project, "express")
    assert policy.routes is not None
    routed = sorted({method for route in policy.routes for method in route.methods} - {"GET", "HEAD", "POST"})
    assert routed == ["DELETE", "PATCH"]
    requests = [request for request in battery(policy) if request.origin is not None]
    preflights = [
        Request("OPTIONS", ORIGIN, (("access-control-request-method", method),), path="/api/notes/7")
        for method in routed
    ]
    requests += preflights
    case = {"kind": "node", "name": "next", "preamble": _layer(project), "source": SOURCE}
    case["requests"] = [wire(r) for r in requests]
    real_answers = run_harness([case])["next"]
    mismatches, compared = compare_answers(policy, list(requests), real_answers, unresolved_counts=True)
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 25
    for answer in real_answers[-len(preflights) :]:
        assert answer["status"] == 204  # the cors package answers it; Next.js never sees it
        allowed = {
            method.strip()
            for name, value in answer["headers"]
            if name.lower() == "access-control-allow-methods"
            for method in value.split(",")
        }
        assert (set(routed) - allowed == set(routed)) is fails
