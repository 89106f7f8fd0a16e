"""Hand-written Django views and response helpers inside django-cors-headers' middleware
(fixtures django/handwritten_helper_under_corsheaders_allow_all, after secure-file-share/api
alpha/responses.py `send_with_cors`, and django/handwritten_view_under_corsheaders_vary).

Measured with the venv's Django and django-cors-headers, in a subprocess configured by each
fixture's own settings, through the Django test client (the whole MIDDLEWARE stack):
corsheaders answers every preflight before a view runs, and writes its own Allow-Origin
over the view's for each origin it admits, leaving the view's other headers in the answer.
So the view's layer is a second CORS layer of the app (CORS302), its preflights are not
judged (no CORS206), and under allow-all its Allow-Origin never reaches a cross-origin
reader (no CORS105 of its own): extractors/python_headers/django_view_layers.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, run_lint

pytest.importorskip("django")
pytest.importorskip("corsheaders")

GALLERY = FIXTURES / "django" / "handwritten_helper_under_corsheaders_allow_all"
ATLAS = FIXTURES / "django" / "handwritten_view_under_corsheaders_vary"
EVIL = "https://evil.example"
VIEWER = "https://viewer.example.net"  # the atlas view echoes it, corsheaders does not list it

PROBE = """
import json, os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = sys.argv[1]
import django
django.setup()
from django.test import Client

client = Client(HTTP_HOST=sys.argv[2])
out = []
for method, url, origin, asked in json.loads(sys.argv[3]):
    meta = {"HTTP_ORIGIN": origin} if origin else {}
    if asked:
        meta["HTTP_ACCESS_CONTROL_REQUEST_METHOD"] = asked
    answer = client.generic(method, url, **meta)
    out.append([
        answer.status_code,
        answer.headers.get("Access-Control-Allow-Origin"),
        answer.headers.get("Access-Control-Allow-Methods"),
    ])
print(json.dumps(out))
"""


def _answers(project: Path, settings: str, host: str, requests: list[list[str | None]]) -> list[list[object]]:
    env = {**os.environ, "PYTHONPATH": str(project)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, settings, host, json.dumps(requests)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=120,
    )
    result: list[list[object]] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _found(project: Path) -> list[tuple[str, str, int]]:
    return sorted(
        (f.rule_id, f.location.path.rsplit("/", 1)[-1], f.location.line) for f in run_lint(project).findings
    )


def test_corsheaders_allow_all_writes_over_the_helper_and_answers_its_preflights() -> None:
    simple, preflight, no_origin = _answers(
        GALLERY,
        "gallery.settings",
        "gallery.example.org",
        [
            ["GET", "/albums/", EVIL, None],
            ["OPTIONS", "/albums/", EVIL, "PUT"],
            ["GET", "/albums/", None, None],
        ],
    )
    assert simple == [200, "*", "GET, POST"]  # corsheaders' `*`, the helper's methods mixed in
    status, allow_origin, methods = preflight
    assert (status, allow_origin) == (200, "*")
    assert isinstance(methods, str) and "PUT" in methods  # corsheaders' list: the helper never ran
    assert no_origin[1] == "https://gallery.example.org"  # the helper's value, with no reader


def test_corslint_reports_the_two_layers_not_the_helper_origin() -> None:
    assert _found(GALLERY) == [("CORS105", "settings.py", 17), ("CORS302", "responses.py", 7)]


def test_a_view_echo_reaches_origins_corsheaders_refuses_but_their_preflights_fail() -> None:
    url = "/tiles/roads/index.json"
    simple, preflight = _answers(
        ATLAS,
        "atlas.settings",
        "atlas.example.org",
        [["GET", url, VIEWER, None], ["OPTIONS", url, VIEWER, "GET"]],
    )
    assert simple[1] == VIEWER
    assert preflight[:2] == [200, None]
    found = _found(ATLAS)
    assert [line for rule, _, line in found if rule == "CORS302"] == [14, 22]
    assert not [rule for rule, _, _ in found if rule == "CORS206"]
