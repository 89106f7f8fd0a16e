"""A hand-written Starlette layer that answers OPTIONS requests alone (fixture
python_headers/starlette_dispatch_answers_preflight_only_star_headers): its ordinary
responses carry no CORS headers, so the probes of simple responses find no allowed origin
and no credentials; CORS205 reads the preflight answers instead. Checked with the real
Starlette (the fixture run in a subprocess) and corslint's browser model fed with its
answers: a credentialed PUT with a custom header fails at the preflight, because with
credentials `Access-Control-Allow-Headers: *` names a header called `*`; without
credentials the same `*` would let it through."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from corslint.browser import PageRequest, fetch
from corslint.http import Request, Response
from tests.conftest import FIXTURES, run_lint

PROJECT = FIXTURES / "python_headers" / "starlette_dispatch_answers_preflight_only_star_headers"
SITE = "https://timesheets.example.com"

REAL = """
import json, sys
from starlette.testclient import TestClient
from main import app
client = TestClient(app)
answers = []
for method, headers in json.loads(sys.argv[1]):
    response = client.request(method, "/entries/1", headers=dict(headers))
    answers.append([response.status_code, [[k, v] for k, v in response.headers.items()]])
print(json.dumps(answers))
"""


def _real_responder() -> Any:
    """Sends each request the browser model makes to the fixture's real app."""

    def respond(request: Request) -> Response:
        headers = [("origin", request.origin), *request.headers] if request.origin else list(request.headers)
        done = subprocess.run(
            [sys.executable, "-c", REAL, json.dumps([[request.method, headers]])],
            cwd=PROJECT,
            env={"PYTHONPATH": str(PROJECT), "PATH": ""},
            capture_output=True,
            text=True,
            check=True,
        )
        status, pairs = json.loads(done.stdout)[0]
        return Response(status, tuple((k.lower(), v) for k, v in pairs))

    return respond


def test_real_answers_meet_corslint_reading() -> None:
    pytest.importorskip("starlette.testclient")
    respond = _real_responder()
    preflight = respond(
        Request(
            "OPTIONS",
            SITE,
            (("access-control-request-method", "PUT"), ("access-control-request-headers", "x-request-id")),
        )
    )
    assert preflight.get("access-control-allow-origin") == SITE
    assert preflight.get("access-control-allow-credentials") == "true"
    assert preflight.get("access-control-allow-headers") == "*"
    actual = respond(Request("PUT", SITE))
    assert actual.get("access-control-allow-origin") is None  # simple responses: nothing
    logged_in = fetch(respond, PageRequest(SITE, "PUT", (("x-request-id", "1"),), credentials=True))
    assert not logged_in.allowed and "x-request-id" in logged_in.reason.lower()
    anonymous = fetch(respond, PageRequest(SITE, "PUT", (("x-request-id", "1"),), credentials=False))
    assert anonymous.preflight is not None and anonymous.preflight.status == 200
    assert "allow-origin" in anonymous.reason.lower()  # past the preflight; the PUT lacks ACAO


def test_corslint_reports_the_preflight_star() -> None:
    found = [(f.rule_id, f.location.line) for f in run_lint(PROJECT).findings]
    assert found == [("CORS205", 20)]
