"""Differential truth for cors options an imported helper picks with a `switch` on
`process.env.NODE_ENV` (`extractors/js/stage_switches.py`): corslint reads the arm production
takes, as it does for the `if (process.env.NODE_ENV === "production")` form.

The fixture is copied inside tests/node (express 5.3.0, cors 2.8.6 pinned there) and its
entry module runs under NODE_ENV=production (tests/node/entry_app_harness.mjs keeps the app
`listen` is called on): every answer is the model's answer for the production arm's options
(`http://crm.example.com`, which CORS103 names, admitted with credentials), and under
NODE_ENV=test the default arm reflects every Origin instead, so the switch really chooses.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from corslint.frameworks import framework_of
from corslint.http import Request
from tests.conftest import FIXTURES, policies_linted_inside
from tests.test_differential_express import NODE_DIR, answer_mismatch, require_node_package, wire

FIXTURE = FIXTURES / "express" / "cors_options_imported_stage_switch"
ORIGINS = ("https://crm.example.com", "http://crm.example.com", "https://evil.example")


def _answers(stage: str, requests: list[Request]) -> list[dict[str, Any]]:
    copy = Path(tempfile.mkdtemp(prefix=".stage-", dir=NODE_DIR))
    try:
        shutil.copytree(FIXTURE, copy / FIXTURE.name)
        case = {
            "name": FIXTURE.name,
            "entry": str(copy / FIXTURE.name / "src/index.js"),
            "requests": [wire(request) for request in requests],
        }
        completed = subprocess.run(
            ["node", str(NODE_DIR / "entry_app_harness.mjs")],
            input=json.dumps({"cases": [case]}),
            capture_output=True,
            text=True,
            timeout=300,
            cwd=NODE_DIR,
            env={**os.environ, "NODE_ENV": stage},
            check=False,
        )
        assert completed.returncode == 0, completed.stderr
        answers: list[dict[str, Any]] = json.loads(completed.stdout)[0]["responses"]
        return answers
    finally:
        shutil.rmtree(copy)


def test_the_production_arm_is_what_runs_in_production() -> None:
    for needed in ("express", "cors"):
        require_node_package(needed)
    policies = policies_linted_inside(FIXTURE, "express")
    assert len(policies) == 1, policies
    policy = policies[0]
    assert "**" not in policy.options, policy.options
    requests = []
    for origin in ORIGINS:
        for method, path in (("GET", "/contacts"), ("PUT", "/contacts/4")):
            requests.append(Request(method, origin, path=path, credentials=True))
        preflight = (
            ("access-control-request-method", "PUT"),
            ("access-control-request-headers", "content-type"),
        )
        requests.append(Request("OPTIONS", origin, preflight, path="/contacts/4"))
    mismatches = []
    for request, real in zip(requests, _answers("production", requests), strict=True):
        where = f"{request.method} {request.path} Origin={request.origin}"
        predicted = framework_of(policy).respond(policy, request)
        status = predicted.status if request.method == "OPTIONS" else real["status"]
        mismatch = answer_mismatch(where, real, predicted, status)
        if mismatch is not None:
            mismatches.append(mismatch)
        sent = {name.lower(): value for name, value in real["headers"]}
        admitted = sent.get("access-control-allow-origin") == request.origin
        assert admitted is (request.origin != "https://evil.example"), where
    assert not mismatches, "\n".join(mismatches[:20])
    elsewhere = _answers("test", requests)
    evil = [answer for request, answer in zip(requests, elsewhere, strict=True) if "evil" in request.origin]
    assert all(
        dict((k.lower(), v) for k, v in answer["headers"]).get("access-control-allow-origin")
        == "https://evil.example"
        for answer in evil
    )
