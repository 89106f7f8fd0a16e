"""Differential truth for hand-written Express headers written under an `if ... else if`
chain whose arms test the Origin against different things: a listed-sites check, then a
substring test (`origin.includes("vercel.app")`) or an anchored pattern. Each arm admits the
origins its own test does (`handwritten_tests.admitting`: ``ALLOWED``, ``ALLOWED#2``...);
read as one allow-list, the substring arm's origins were refused by the model and its
CORS104 missed.

Each fixture's own server runs on the real express (tests/node/harness.js, a "node" case),
and corslint's policy must answer the probe battery, plus origins only the second arm's
test admits (and look-alikes it refuses), exactly as it does.
"""

from __future__ import annotations

import re

import pytest

from corslint.browser import PageRequest
from corslint.frameworks.express_headers import respond
from tests.conftest import FIXTURES, policies_linted_inside
from tests.probe_battery import battery
from tests.test_differential_express import compare_answers, require_node_package, run_harness, wire

PROJECTS = (
    "handwritten_else_if_substring_arm",  # list, then `origin.includes("vercel.app")`
    "handwritten_else_if_partner_arm_clean",  # list, anchored pattern, then a refusing list (403)
)
_EXTRA_ORIGINS = (
    "https://preview-7.vercel.app",
    "https://evilvercel.app",
    "https://vercel.app.evil.test",
    "https://north.partners.northside-clinic.example",
    "https://north.partners.northside-clinic.example.evil.test",
    "http://north.partners.northside-clinic.example",
    "https://book.northside-clinic.example",
    "http://localhost:8080",  # a refusing arm's entry: answered 403, never admitted
    "http://old.northside-clinic.example",
)


@pytest.mark.parametrize("name", PROJECTS)
def test_policy_answers_as_the_running_server(name: str) -> None:
    require_node_package("express")
    project = FIXTURES / "express" / name
    (policy,) = policies_linted_inside(project, "express_headers")
    assert all(value.known for value in policy.options.values())
    requests = battery(policy)
    for origin in _EXTRA_ORIGINS:
        requests += [
            PageRequest(origin, "GET", credentials=True, path=policy.probe_path).actual(),
            PageRequest(
                origin, "PUT", (("content-type", "application/json"),), path=policy.probe_path
            ).preflight(),
            PageRequest(origin, "POST", (("authorization", "Bearer t"),), path=policy.probe_path).preflight(),
        ]
    server = re.sub(r"app\.listen\([^)]*\);", "", (project / "server.js").read_text("utf-8"))
    server += "\napp.all(/.*/, (req, res) => res.status(200).send('ok'));\n"  # every probed path answers
    case = {
        "kind": "node",
        "name": name,
        "preamble": server,
        "source": "app",
        "requests": [wire(request) for request in requests],
    }
    real_answers = run_harness([case])[name]
    mismatches, compared = compare_answers(policy, list(requests), real_answers)
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 50


def test_second_arm_admits_its_own_origins() -> None:
    """The substring arm's origins get the echo with credentials; the first arm's list alone
    would refuse them (what the chain was read as before)."""
    project = FIXTURES / "express" / "handwritten_else_if_substring_arm"
    (policy,) = policies_linted_inside(project, "express_headers")
    assert "guard #2" in policy.options
    answer = respond(policy, PageRequest("https://evilvercel.app", "GET", credentials=True).actual())
    assert answer.get("access-control-allow-origin") == "https://evilvercel.app"
    refused = respond(policy, PageRequest("https://vercel.example", "GET", credentials=True).actual())
    assert refused.get("access-control-allow-origin") is None
