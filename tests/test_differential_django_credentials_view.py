"""A DRF view that writes only `Access-Control-Allow-Credentials: true` on its answers,
inside django-cors-headers' middleware (fixture
django/handwritten_credentials_view_under_corsheaders, after LibrePhotos/librephotos
librephotos/urls.py's token views over simplejwt's).

Measured with the venv's Django, Django REST framework and django-cors-headers, in a
subprocess configured by the fixture's own settings, through the Django test client:
corsheaders answers the preflights itself and, for the origins it admits, writes its own
Allow-Origin and Allow-Credentials (one line each: `response[name] = value` replaces);
the answers to the origins it refuses carry the view's Allow-Credentials alone. With
`CORS_ALLOW_CREDENTIALS` off, the admitted origins' answers carry the view's credentials
while their preflights do not. Two layers mixed into one app's answers: CORS302 at each
view (extractors/python_headers/django_view_layers.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import FIXTURES, run_lint

pytest.importorskip("django")
pytest.importorskip("corsheaders")
pytest.importorskip("rest_framework")

PANTRY = FIXTURES / "django" / "handwritten_credentials_view_under_corsheaders"
LISTED = "https://pantry.example"
EVIL = "https://evil.example"

PROBE = """
import json, os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "kitchen.settings"
import django
django.setup()
from django.conf import settings
from django.test import Client

settings.CORS_ALLOW_CREDENTIALS = sys.argv[1] == "on"  # corsheaders reads it per request
client = Client(HTTP_HOST="api.pantry.example")
out = []
for method, url, origin, asked in json.loads(sys.argv[2]):
    meta = {"HTTP_ORIGIN": origin}
    if asked:
        meta["HTTP_ACCESS_CONTROL_REQUEST_METHOD"] = asked
    answer = client.generic(method, url, **meta)
    out.append([
        answer.status_code,
        answer.headers.get("Access-Control-Allow-Origin"),
        answer.headers.get("Access-Control-Allow-Credentials"),
    ])
print(json.dumps(out))
"""

REQUESTS = [
    ["POST", "/api/session/", LISTED, None],
    ["POST", "/api/session/", EVIL, None],
    ["OPTIONS", "/api/session/", LISTED, "POST"],
    ["POST", "/api/session/renew/", EVIL, None],
]


def _answers(credentials: str) -> list[list[object]]:
    env = {**os.environ, "PYTHONPATH": str(PANTRY)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, credentials, json.dumps(REQUESTS)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=120,
    )
    result: list[list[object]] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_corsheaders_decides_admitted_origins_and_the_view_line_reaches_refused_ones() -> None:
    listed, evil, preflight, renew_evil = _answers("on")
    assert listed == [200, LISTED, "true"]
    assert evil == [200, None, "true"]  # the view's line, without an Allow-Origin
    assert preflight == [200, LISTED, "true"]  # corsheaders' own answer: the view never ran
    assert renew_evil == [200, None, "true"]


def test_without_library_credentials_the_view_adds_them_to_admitted_answers_only() -> None:
    listed, evil, preflight, _ = _answers("off")
    assert listed == [200, LISTED, "true"]
    assert evil == [200, None, "true"]
    assert preflight == [200, LISTED, None]


def test_corslint_reports_each_view_as_a_second_layer() -> None:
    found = run_lint(PANTRY).findings
    assert {f.rule_id for f in found} == {"CORS302"}
    findings = [f for f in found if f.rule_id == "CORS302"]
    assert sorted((f.location.path.rsplit("/", 1)[-1], f.location.line) for f in findings) == [
        ("views.py", 17),
        ("views.py", 26),
    ]
    assert all("go out alone, without an Allow-Origin" in f.message for f in findings)
