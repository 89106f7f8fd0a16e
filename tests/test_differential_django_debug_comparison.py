"""A DEBUG switch spelt as a comparison, `if DEBUG is True:` (fixture
django/settings_debug_is_true_switch, after Murtrag/Quiero_regresar_a_casa
backend/main/main/settings/cross_origin.py), over a DEBUG corslint cannot decide
(`os.environ["APP_MODE"] == "development"`).

Measured with the venv's Django and django-cors-headers, loading the fixture's settings in a
subprocess through the test client: with APP_MODE other than development (production), the
`else` arm's plain-http origin is echoed with `Access-Control-Allow-Credentials: true` and
other origins get nothing; with APP_MODE=development every origin is. corslint reads the
comparison as it reads `if DEBUG:` (the guarded arm is development-only, RULES.md CORS106)
and judges production: CORS103 for the http origin."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from corslint.extractors.django.evaluation import _development_arm_first
from tests.conftest import FIXTURES, run_lint

pytest.importorskip("django")
pytest.importorskip("corsheaders")

PROJECT = FIXTURES / "django" / "settings_debug_is_true_switch"
OFFICE = "http://tickets.harbor-ferries.example"
EVIL = "https://evil.example"

PROBE = """
import json, os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "harbor.settings"
import django
django.setup()
from django.test import Client

client = Client(HTTP_HOST="api.harbor-ferries.example")
out = []
for origin in sys.argv[1:]:
    answer = client.get("/sailings/", HTTP_ORIGIN=origin)
    out.append([
        answer.headers.get("Access-Control-Allow-Origin"),
        answer.headers.get("Access-Control-Allow-Credentials"),
    ])
print(json.dumps(out))
"""


def _answers(mode: str) -> list[list[str | None]]:
    env = {**os.environ, "PYTHONPATH": str(PROJECT), "APP_MODE": mode}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, OFFICE, EVIL],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=120,
    )
    result: list[list[str | None]] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_production_trusts_the_http_origin_with_credentials() -> None:
    assert _answers("production") == [[OFFICE, "true"], [None, None]]
    assert _answers("development") == [[OFFICE, "true"], [EVIL, "true"]]


def test_corslint_judges_the_production_arm() -> None:
    found = sorted((f.rule_id, f.location.line) for f in run_lint(PROJECT).findings)
    assert found == [("CORS103", 23)]


@pytest.mark.parametrize(
    ("condition", "first"),
    [
        ("DEBUG", True),
        ("not DEBUG", False),
        ("DEBUG is True", True),
        ("DEBUG == True", True),
        ("DEBUG is False", False),
        ("settings.DEBUG == False", False),
        ("DEBUG is not True", False),
        ("DEBUG != False", True),
    ],
)
def test_which_arm_is_development(condition: str, first: bool) -> None:
    assert _development_arm_first(condition) is first
