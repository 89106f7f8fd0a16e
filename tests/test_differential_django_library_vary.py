"""Hand-written Django views that echo an allowed Origin without writing `Vary`, under
django-cors-headers (fixtures django/handwritten_view_under_corsheaders_vary, no CORS107, and
django/handwritten_view_outside_cors_urls_regex, CORS107; the shape of yiju-zhao/DeepSight-Django
backend/semantic_search/views.py and backend/podcast/views.py under backend/settings/base.py).

Measured with the venv's Django and django-cors-headers, in a subprocess configured by each
fixture's own settings, through the Django test client (the whole MIDDLEWARE stack): where
corsheaders covers the path, every answer carries `Vary: origin`, whatever the Origin and
whether corsheaders lists it; where CORS_URLS_REGEX leaves the path out, the view's echoed
Origin goes out with no `Vary`. corslint drops CORS107 for the first and keeps it for the second
(extractors/python_headers/django_library_vary.py)."""

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

COVERED = FIXTURES / "django" / "handwritten_view_under_corsheaders_vary"
OUTSIDE = FIXTURES / "django" / "handwritten_view_outside_cors_urls_regex"
ORIGINS = ("https://editor.example.org", "https://viewer.example.net", "https://elsewhere.example")

PROBE = """
import json, os
os.environ["DJANGO_SETTINGS_MODULE"] = "atlas.settings"
import django
django.setup()
from django.test import Client

client = Client(HTTP_HOST="atlas.example.org")
out = {}
for url in ("/tiles/roads/index.json", "/tiles/roads/legend.json"):
    for origin in %r:
        response = client.get(url, HTTP_ORIGIN=origin)
        out[f"{url} {origin}"] = [
            response.status_code,
            response.headers.get("Access-Control-Allow-Origin"),
            response.headers.get("Vary"),
        ]
print(json.dumps(out))
"""


def _answers(project: Path) -> dict[str, list[object]]:
    env = {**os.environ, "PYTHONPATH": str(project)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE % (ORIGINS,)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=120,
    )
    result: dict[str, list[object]] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _varies(vary: object) -> bool:
    return isinstance(vary, str) and "origin" in [part.strip().lower() for part in vary.split(",")]


def test_corsheaders_adds_vary_to_every_answer_of_a_covered_view() -> None:
    answers = _answers(COVERED)
    assert len(answers) == 6
    for name, (status, _allow_origin, vary) in answers.items():
        assert status == 200, name
        assert _varies(vary), name
    # the view's own echo reaches an origin corsheaders does not list, and varies with it
    assert answers["/tiles/roads/index.json https://viewer.example.net"][1] == "https://viewer.example.net"
    assert answers["/tiles/roads/index.json https://elsewhere.example"][1] is None


def test_no_vary_outside_cors_urls_regex() -> None:
    answers = _answers(OUTSIDE)
    for name, (status, _allow_origin, vary) in answers.items():
        assert status == 200, name
        assert not _varies(vary), name
    assert answers["/tiles/roads/legend.json https://viewer.example.net"][1] == "https://viewer.example.net"


def test_corslint_follows_the_measurement() -> None:
    covered = [f for f in run_lint(COVERED).findings if f.rule_id == "CORS107"]
    assert covered == []
    outside = [f for f in run_lint(OUTSIDE).findings if f.rule_id == "CORS107"]
    assert sorted(f.location.line for f in outside) == [14, 22]
