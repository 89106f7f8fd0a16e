"""Differential truth for a Flask view decorator that rebuilds the view's answer before
writing CORS headers (census 10 B4, 14122mhl/5g-a-national-competition-dev-code
middleware/cors.py): `make_response(outcome[0], outcome[1])` of a `(body, status)` tuple, or
`make_response(outcome)`, then Allow-Origin `*` either way. The `isinstance` test only picks
how the view's own answer is built: every decorated view answers `*` (CORS105), whatever its
status. The fixture python_headers/decorator_normalises_view_tuple runs on the real Flask (a
fresh interpreter in its folder); corslint's model of the decorator must send the same CORS
headers. Its twin decorator_exported_never_applied (listed in a package's multi-line
`__all__`, applied to no view) sends nothing, and corslint reports nothing there."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from corslint.frameworks import framework_of
from corslint.http import Request
from tests.conftest import FIXTURES, run_lint
from tests.probe_battery import cors_headers

FOLDER = FIXTURES / "python_headers"

_PROBE = """
import json, sys
from app import app

client = app.test_client()
out = []
for method, path, origin, asked in json.loads(sys.argv[1]):
    headers = {"Origin": origin} if origin else {}
    if asked:
        headers["Access-Control-Request-Method"] = asked
    answer = client.open(path, method=method, headers=headers)
    out.append({"status": answer.status_code, "headers": list(answer.headers.items())})
print(json.dumps(out))
"""

REQUESTS = [
    ("GET", "/levels", "https://dashboard.partner.example", None),
    ("GET", "/levels/north", "https://evil.example", None),
    ("GET", "/levels/west", "https://evil.example", None),  # the view's own 404, still `*`
    ("GET", "/levels", None, None),
]


def _real(project: str, requests: list[tuple[str, str, str | None, str | None]]) -> list[dict[str, object]]:
    completed = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(requests)],
        cwd=FOLDER / project,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert completed.returncode == 0, completed.stderr
    answers: list[dict[str, object]] = json.loads(completed.stdout.strip().splitlines()[-1])
    return answers


def test_decorated_views_answer_star_as_the_model_says() -> None:
    real = _real("decorator_normalises_view_tuple", REQUESTS)
    assert [answer["status"] for answer in real] == [200, 200, 404, 200]
    (policy,) = run_lint(FOLDER / "decorator_normalises_view_tuple").policies
    respond = framework_of(policy).respond
    for (method, path, origin, _), answer in zip(REQUESTS, real, strict=True):
        predicted = respond(policy, Request(method, origin, path=path))
        assert cors_headers(answer["headers"]) == cors_headers(list(predicted.headers)), (path, origin)
        assert dict(cors_headers(answer["headers"])).get("access-control-allow-origin") == "*"
    assert [f.rule_id for f in run_lint(FOLDER / "decorator_normalises_view_tuple").findings] == ["CORS105"]


def test_an_unapplied_decorator_sends_nothing() -> None:
    real = _real("decorator_exported_never_applied", [("GET", "/health", "https://evil.example", None)])
    assert cors_headers(real[0]["headers"]) == cors_headers([])
    result = run_lint(FOLDER / "decorator_exported_never_applied")
    assert result.findings == [] and result.policies == []
