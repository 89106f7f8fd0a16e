"""Differential truth for a hand-written allow-list whose refused side answers `*` (census 10
B2, Cegoratto/backend2 app/main.py: `allowed = origin if is_allowed_origin(origin, settings)
else "*"`). The fixture python_headers/allowlist_refused_gets_star runs on the real FastAPI
(a fresh interpreter in its folder) with its partner list set from the environment: every
Origin outside the list gets `Access-Control-Allow-Origin: *`, whatever the list holds. The
list is unknown to corslint, which answers every Origin as refused (`guard_refuses`): the
model must send what the real app sends to each probed Origin the list refuses, and the
findings are CORS105 (and CORS107 for the echo the list admits to), not only CORS305."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from corslint.frameworks.python_headers import GUARD_REFUSES, respond
from corslint.http import Request
from tests.conftest import FIXTURES, run_lint, sole_policy_inside
from tests.probe_battery import battery, cors_headers

PROJECT = FIXTURES / "python_headers" / "allowlist_refused_gets_star"
PARTNER = "https://partner.example"

_PROBE = """
import json, sys
from starlette.testclient import TestClient
from gateway.main import app

client = TestClient(app)
out = []
for method, origin, headers in json.loads(sys.stdin.read()):
    sent = dict(headers)
    if origin is not None:
        sent["Origin"] = origin
    answer = client.request(method, "/quotes", headers=sent)
    out.append([answer.status_code, list(answer.headers.items())])
print(json.dumps(out))
"""


def _real(requests: list[Request]) -> list[tuple[int, dict[str, str]]]:
    completed = subprocess.run(
        [sys.executable, "-c", _PROBE],
        input=json.dumps([[r.method, r.origin, list(r.headers)] for r in requests]),
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PARTNER_SITES": PARTNER},
    )
    assert completed.returncode == 0, completed.stderr
    return [(status, cors_headers(lines)) for status, lines in json.loads(completed.stdout)]


def test_every_refused_origin_gets_star_as_the_model_says() -> None:
    policy = sole_policy_inside(PROJECT, "starlette_headers")
    assert GUARD_REFUSES in policy.options and not policy.options["guard"].known
    requests = [r for r in battery(policy) if r.origin != PARTNER]
    requests = [Request(r.method, r.origin, r.headers, "/quotes") for r in requests]
    real = _real(requests)
    compared = 0
    for request, (status, headers) in zip(requests, real, strict=True):
        predicted = respond(policy, request)
        assert headers == cors_headers(list(predicted.headers)), (request, headers)
        if request.method == "OPTIONS":
            assert status == predicted.status, request
        compared += 1
    assert compared >= 20
    # the list's own member is echoed: the other side of the same ternary (CORS107's)
    echoed = _real([Request("GET", PARTNER, (), "/quotes")])[0][1]
    assert echoed["access-control-allow-origin"] == PARTNER


def test_findings_are_any_origin_beside_the_unknown_list() -> None:
    found = sorted((f.rule_id, f.location.line) for f in run_lint(PROJECT).findings)
    assert found == [("CORS105", 17), ("CORS105", 23), ("CORS107", 17), ("CORS107", 23), ("CORS305", 12)]
