"""Differential truth for an origin callback that matches the host of the Origin against
wildcard-match globs (SWEEPFIX6-A, session 14; mx-space/core `apps/core/src/bootstrap.ts`
over the default list of `apps/core/src/app.config.ts`):

    let host;
    try { host = new URL(origin || "").host; } catch { host = origin || ""; }
    const trusted = HOSTS.some((glob) => wcmatch(glob)(host));

The fixture's own server runs under the real `cors` package on express with the real
wildcard-match 5.1.4 (tests/node/package.json), and corslint's policy must answer the probe
battery exactly as it does: `*.vercel.app` admits any deployment, `localhost:*` any port, and
every scheme of a listed host passes."""

from __future__ import annotations

import re

import pytest

from corslint.http import Request
from tests.conftest import FIXTURES, policies_linted_inside
from tests.probe_battery import battery
from tests.test_differential_express import compare_answers, require_node_package, run_harness, wire

PROJECTS = {"origin_callback_host_wildcard_match": "server.js"}

# origins the glob list decides on, beside the battery's own
EXTRA_ORIGINS = (
    "https://evil-attacker.vercel.app",
    "https://a.b.vercel.app",
    "http://studio.example.net",
    "https://studio.example.net:8443",
    "https://img.studio.example.net",
    "https://studio.example.net.attacker.invalid",
    "http://localhost:8081",
    "http://localhost",
    "https://LOCALHOST:5173",
    "https://vercel.app",
    "null",
)


@pytest.mark.parametrize("name", sorted(PROJECTS))
def test_host_globs_answer_as_the_real_cors_package(name: str) -> None:
    require_node_package("cors")
    require_node_package("wildcard-match")
    project = FIXTURES / "express" / name
    (policy,) = policies_linted_inside(project, "express")
    requests = list(battery(policy))
    requests += [Request("GET", origin, path=policy.probe_path) for origin in EXTRA_ORIGINS]
    text = (project / PROJECTS[name]).read_text("utf-8")
    server = re.sub(r"app\.listen\([^;]*\);", "", text)
    server += "\napp.all(/.*/, (req, res) => res.status(200).send('ok'));\n"  # every probed path answers
    case = {
        "kind": "node",
        "name": name,
        "preamble": server,
        "source": "app",
        "requests": [wire(request) for request in requests],
    }
    real_answers = run_harness([case])[name]
    mismatches, compared = compare_answers(policy, requests, real_answers)
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 20
