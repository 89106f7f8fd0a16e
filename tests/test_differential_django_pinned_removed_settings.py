"""A setting a later django-cors-headers removed, under the release the project pins
(fixture django/replace_referer_pinned_3x; the shape of mattrlucciola/diffuse backend/
backend/settings/{development,production}.py with Pipfile.lock's django-cors-headers
3.2.0). Read from the releases' sources (pip download, corsheaders/conf.py and checks.py):
3.2.0 through 3.14.0 read `CORS_REPLACE_HTTPS_REFERER` (and check it is a bool, E011);
4.0.0 removed it and its checks reject it (E013). The installed 4.9.0 is measured here:
its `run_checks` names E013 for the setting, as corslint does when the pin is 4.x or
absent; under the 3.2.0 pin corslint reports nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, run_lint
from tests.django_setup import configure_django

pytest.importorskip("django")
pytest.importorskip("corsheaders")
configure_django("tests.django_setup")

from django.core.checks import run_checks  # noqa: E402
from django.test import override_settings  # noqa: E402

PROJECT = FIXTURES / "django" / "replace_referer_pinned_3x"


def test_the_installed_4x_rejects_the_setting() -> None:
    with override_settings(CORS_REPLACE_HTTPS_REFERER=True, CORS_ALLOWED_ORIGINS=[]):
        ids = {message.id for message in run_checks() if str(message.id).startswith("corsheaders.")}
    assert "corsheaders.E013" in ids


def test_corslint_keeps_the_setting_of_the_pinned_3x() -> None:
    assert [f.rule_id for f in run_lint(PROJECT).findings] == []


def test_corslint_reports_it_under_a_4x_pin(tmp_path: Path) -> None:
    copy = tmp_path / "project"
    shutil.copytree(PROJECT, copy)
    lock = copy / "Pipfile.lock"
    lock.write_text(lock.read_text().replace('"==3.2.0"', '"==4.3.1"'))
    found = [(f.rule_id, f.location.line) for f in run_lint(copy).findings]
    assert found == [("CORS301", 27)]
    assert "corsheaders.E013" in run_lint(copy).findings[0].message
