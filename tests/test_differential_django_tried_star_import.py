"""Django settings that star-import a module inside `try:` (secure-file-share/api
securefileshare/settings.py: `try: from .cors_settings import * except Exception: print(...)`;
fixtures django/settings_tried_star_import and django/settings_package_unloaded_module).

Measured with the venv's Django and django-cors-headers, in a subprocess loading each
fixture's own settings module the way `manage.py` names it, through the Django test client
(the whole MIDDLEWARE stack): the tried module's settings are Django's settings, after the
statements before the `try:` and before those after it. corslint follows such an import
when the module is in the tree (extractors/python/tried_imports.py), and judges the
settings it binds with the rest: CORS105 for an allow-all without credentials, CORS101
where a module loaded later turns credentials on."""

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

LEDGER = FIXTURES / "django" / "settings_tried_star_import"
PORTAL = FIXTURES / "django" / "settings_package_unloaded_module"
EVIL = "https://evil.example"

PROBE = """
import json, os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = sys.argv[1]
import django
django.setup()
from django.test import Client

client = Client(HTTP_HOST=sys.argv[2])
answer = client.options(
    "/statements/", HTTP_ORIGIN=sys.argv[3], HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET"
)
print(json.dumps([
    answer.status_code,
    answer.headers.get("Access-Control-Allow-Origin"),
    answer.headers.get("Access-Control-Allow-Credentials"),
]))
"""


def _preflight(project: Path, settings: str, host: str) -> list[object]:
    env = {**os.environ, "PYTHONPATH": str(project), "DJANGO_SECRET_KEY": "differential-test"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, settings, host, EVIL],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=120,
        cwd=project,
    )
    result: list[object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _found(project: Path) -> list[tuple[str, str, int]]:
    """Linted from inside the project, as a user runs corslint (from outside, the fixture's
    `tests/` folder would make every module a development one)."""
    cwd = Path.cwd()
    os.chdir(project)
    try:
        findings = run_lint(Path(".")).findings
    finally:
        os.chdir(cwd)
    return sorted((f.rule_id, f.location.path.rsplit("/", 1)[-1], f.location.line) for f in findings)


def test_the_tried_module_sets_allow_all_without_credentials() -> None:
    assert _preflight(LEDGER, "ledger.settings", "ledger.example.org") == [200, "*", None]
    assert _found(LEDGER) == [("CORS105", "cross_origin.py", 4)]


def test_credentials_set_after_the_tried_module_make_it_reflect() -> None:
    assert _preflight(PORTAL, "portal.settings", "portal.example.org") == [200, EVIL, "true"]
    assert _found(PORTAL) == [("CORS101", "site_extras.py", 2)]
