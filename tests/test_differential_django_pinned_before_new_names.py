"""django-cors-headers 3.0-3.4 read only the legacy names (fixtures
django/legacy_names_pinned_3_2 and django/legacy_names_pinned_3_5). `CORS_ALLOWED_ORIGINS`,
`CORS_ALLOW_ALL_ORIGINS` and `CORS_ALLOWED_ORIGIN_REGEXES` arrived in 3.5.0: renaming a 3.2
project's `CORS_ORIGIN_WHITELIST` as CORS304 used to ask switches CORS off.

Measured against the real releases: `pip download --no-deps django-cors-headers==3.4.0`
and `==3.5.0`, each wheel unzipped into `<dir>/3.4.0` and `<dir>/3.5.0` (<dir> from
OLD_DJANGO_CORS_HEADERS, else /tmp/djver14_pkgs; skipped where absent). Each runs in a
subprocess of this interpreter (the venv's Django) with the unzipped wheel first on the path,
so the installed 4.x is not touched."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, run_lint

pytest.importorskip("django")

WHEELS = Path(os.environ.get("OLD_DJANGO_CORS_HEADERS", "/tmp/djver14_pkgs"))
PINNED_3_2 = FIXTURES / "django" / "legacy_names_pinned_3_2"
PINNED_3_5 = FIXTURES / "django" / "legacy_names_pinned_3_5"
ORIGIN = "https://orchard.example.net"

PROBE = """
import json, sys
import django
from django.conf import settings
settings.configure(DEBUG=False, SECRET_KEY="probe", ALLOWED_HOSTS=["*"],
    INSTALLED_APPS=["django.contrib.contenttypes", "corsheaders"],
    MIDDLEWARE=["corsheaders.middleware.CorsMiddleware"], ROOT_URLCONF="probe_urls",
    DATABASES={}, USE_TZ=True, **json.loads(sys.argv[1]))
django.setup()
from django.test import Client
import corsheaders
answer = Client().get("/crates", HTTP_ORIGIN=sys.argv[2])
print(json.dumps({"file": corsheaders.__file__, "acao": answer.headers.get("Access-Control-Allow-Origin")}))
"""
URLS = """
from django.http import HttpResponse
from django.urls import path
urlpatterns = [path("crates", lambda request: HttpResponse("ok"))]
"""


def _answer(version: str, settings: dict[str, object], tmp_path: Path) -> str | None:
    release = WHEELS / version
    if not (release / "corsheaders" / "conf.py").is_file():
        pytest.skip(f"django-cors-headers {version} not unzipped in {WHEELS}")
    (tmp_path / "probe.py").write_text(PROBE)
    (tmp_path / "probe_urls.py").write_text(URLS)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(release), str(tmp_path)])}
    done = subprocess.run(
        [sys.executable, str(tmp_path / "probe.py"), json.dumps(settings), ORIGIN],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=120,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["file"].startswith(str(release))  # the old release ran, not the installed one
    return result["acao"]


@pytest.mark.parametrize("version", ["3.4.0", "3.5.0"])
def test_the_legacy_name_works_in_both(version: str, tmp_path: Path) -> None:
    assert _answer(version, {"CORS_ORIGIN_WHITELIST": [ORIGIN]}, tmp_path) == ORIGIN


def test_the_new_name_is_unread_before_3_5(tmp_path: Path) -> None:
    assert _answer("3.4.0", {"CORS_ALLOWED_ORIGINS": [ORIGIN]}, tmp_path) is None
    assert _answer("3.5.0", {"CORS_ALLOWED_ORIGINS": [ORIGIN]}, tmp_path) == ORIGIN


def test_corslint_asks_no_rename_under_a_3_2_pin() -> None:
    assert [f.rule_id for f in run_lint(PINNED_3_2).findings] == []


def test_corslint_asks_the_rename_under_a_3_5_pin() -> None:
    assert [f.rule_id for f in run_lint(PINNED_3_5).findings] == ["CORS304"] * 3


@pytest.mark.parametrize(
    ("pin", "renames"),
    [
        ("django-cors-headers>=3.0,<3.5", 0),
        ("django-cors-headers~=3.4.0", 0),
        ("django-cors-headers>=3.2", 3),
    ],
)
def test_ranges(pin: str, renames: int, tmp_path: Path) -> None:
    copy = tmp_path / "project"
    shutil.copytree(PINNED_3_2, copy)
    manifest = copy / "requirements.txt"
    manifest.write_text(manifest.read_text().replace("django-cors-headers==3.2.0", pin))
    assert [f.rule_id for f in run_lint(copy).findings].count("CORS304") == renames
