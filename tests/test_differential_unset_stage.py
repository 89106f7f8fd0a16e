"""Differential truth for origin callbacks that open every Origin outside production
(`if (!origin || process.env.NODE_ENV !== "production") return callback(null, true)`),
judged both as deployed in production and as started without NODE_ENV (extractors.express.
unset_stage).

Each fixture's own server runs under the real `cors` package on express (tests/node/harness.js)
twice: with NODE_ENV=production against the policy of the `else@` variant, and with NODE_ENV
deleted against the `if@` variant (every Origin reflected); a fail-closed test
(`NODE_ENV === "development"`) and a project that sets NODE_ENV=production itself give one
policy, which must answer as the server does with NODE_ENV unset and in production. Two
more callbacks judged in production ride along: a list a helper builds by pushes its unset
variables choose (js.pushed_lists) with a `.vercel.app` suffix test only production runs,
and entries tidied as the Origin is before comparing (express.tidied_entries).
"""

from __future__ import annotations

import re

import pytest

from corslint.browser import PageRequest
from corslint.model import CorsPolicy
from tests.conftest import FIXTURES, policies_linted_inside
from tests.probe_battery import battery
from tests.test_differential_express import compare_answers, require_node_package, run_harness, wire

_PRODUCTION = 'process.env.NODE_ENV = "production";\n'
_UNSET = "delete process.env.NODE_ENV;\n"
_UNSET_LISTS = "delete process.env.LEARNER_URL;\ndelete process.env.TUTOR_URL;\n"
_EXTRA_ORIGINS = (
    "http://localhost:5173",
    "https://evil.example",
    "https://ledger.example.org",
    "http://localhost:3000",
    "https://tutors.course-portal.example",
    "https://preview-7.vercel.app",
    "https://orders.example.com",
    "http://localhost:4200",
)


def _compare(name: str, entry: str, policy: CorsPolicy, preamble: str) -> None:
    project = FIXTURES / "express" / name
    requests = battery(policy)
    for origin in _EXTRA_ORIGINS:
        requests += [
            PageRequest(origin, "GET", credentials=True, path=policy.probe_path).actual(),
            PageRequest(
                origin, "PUT", (("content-type", "application/json"),), path=policy.probe_path
            ).preflight(),
        ]
    server = re.sub(r"app\.listen\([^)]*\);", "", (project / entry).read_text("utf-8"))
    server += "\napp.all(/.*/, (req, res) => res.status(200).send('ok'));\n"
    case = {
        "kind": "node",
        "name": name,
        "preamble": preamble + server,
        "source": "app",
        "requests": [wire(request) for request in requests],
    }
    real_answers = run_harness([case])[name]
    mismatches, compared = compare_answers(policy, list(requests), real_answers)
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 30


@pytest.mark.parametrize(
    ("name", "entry"),
    [
        ("origin_callback_open_without_node_env", "server.js"),  # `!origin || NODE_ENV !== ...` first
        ("origin_callback_list_then_open_outside_production", "index.js"),  # after the list test
        ("origin_callback_production_else_open", "server.js"),  # the `else` of a production test
        # `else if (inDevelopment)` after an env list that is empty when unset
        ("origin_callback_env_list_else_if_open_outside_production", "server.js"),
    ],
)
def test_both_stages_of_a_fail_open_guard_answer_as_the_server(name: str, entry: str) -> None:
    require_node_package("cors")
    policies = policies_linted_inside(FIXTURES / "express" / name, "express")
    by_arm = {policy.branch.partition("@")[0]: policy for policy in policies}
    assert set(by_arm) == {"if", "else"}
    assert by_arm["if"].options["origin"].env_var == "NODE_ENV"
    _compare(name, entry, by_arm["else"], _PRODUCTION)
    _compare(name, entry, by_arm["if"], _UNSET)


@pytest.mark.parametrize(
    ("name", "entry", "preamble"),
    [
        ("origin_callback_fail_closed_dev_stage", "src/app.js", _UNSET),
        ("origin_callback_fail_closed_dev_stage", "src/app.js", _PRODUCTION),
        ("origin_callback_open_without_node_env_dockerized", "server.js", _PRODUCTION),
        # a list built by pushes its variables choose (unset: the `else` defaults), and a
        # suffix test only production runs (extractors.js.pushed_lists)
        ("origin_callback_env_gated_vercel_suffix", "server.js", _PRODUCTION + _UNSET_LISTS),
        # a `let` replaced only when MENU_SITES is set (js.settled_lets): unset, `*` stays
        ("origin_let_reassigned_when_env_set", "index.js", _PRODUCTION + "delete process.env.MENU_SITES;\n"),
        # entries tidied as the Origin is (`site.replace(/\/$/, "") === bare`, tidied_entries)
        ("origin_callback_tidied_entries_some", "server.js", _PRODUCTION),
    ],
)
def test_one_policy_where_the_stage_is_settled(name: str, entry: str, preamble: str) -> None:
    require_node_package("cors")
    (policy,) = policies_linted_inside(FIXTURES / "express" / name, "express")
    _compare(name, entry, policy, preamble)
