"""Differential truth for an origin callback that never answers unlisted origins (its
refusal commented out of the `else`): cors waits for the callback, so such a request gets
no answer at all (the harness ends it with 599 after 50 ms), and no CORS headers. The
model classifies the callback as an allow-list: the listed origins must be answered as the
server answers them, and every origin it refuses must get no Allow-Origin from the server.
"""

from __future__ import annotations

import re

from corslint.browser import PageRequest
from corslint.frameworks import framework_of
from tests.conftest import FIXTURES, policies_linted_inside
from tests.probe_battery import battery
from tests.test_differential_express import compare_answers, require_node_package, run_harness, wire

_NAME = "origin_callback_unlisted_never_answered"
_ORIGINS = ("http://localhost:4200", "https://widgets.insight.example", "https://evil.example")


def test_listed_origins_answered_unlisted_never() -> None:
    require_node_package("cors")
    project = FIXTURES / "express" / _NAME
    (policy,) = policies_linted_inside(project, "express")
    requests = battery(policy)
    for origin in _ORIGINS:
        requests += [
            PageRequest(origin, "GET", credentials=True, path=policy.probe_path).actual(),
            PageRequest(
                origin, "PUT", (("content-type", "application/json"),), path=policy.probe_path
            ).preflight(),
        ]
    server = re.sub(r"app\.listen\([^)]*\);", "", (project / "server.js").read_text("utf-8"))
    server += "\napp.all(/.*/, (req, res) => res.status(200).send('ok'));\n"
    case = {
        "kind": "node",
        "name": _NAME,
        "preamble": server,
        "source": "app",
        "requests": [wire(request) for request in requests],
    }
    real_answers = run_harness([case])[_NAME]
    respond = framework_of(policy).respond
    answered = [
        (request, real)
        for request, real in zip(requests, real_answers, strict=True)
        if respond(policy, request).get("Access-Control-Allow-Origin") is not None
    ]
    refused = [
        real
        for request, real in zip(requests, real_answers, strict=True)
        if request.origin is not None and respond(policy, request).get("Access-Control-Allow-Origin") is None
    ]
    mismatches, compared = compare_answers(policy, [r for r, _ in answered], [a for _, a in answered])
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared >= 4
    assert refused
    for real in refused:
        names = {name.lower() for name, _ in real["headers"]}
        assert real["status"] == 599 and "access-control-allow-origin" not in names
