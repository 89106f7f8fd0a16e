"""Differential truth for a CORS settings module that the Django settings module imports
as a module (fixture django/cors_module_imported_not_star) or star-imports (fixture
django/cors_module_star_imported): Django's own `Settings` (django==5.2) loads the
fixture's settings module the way `DJANGO_SETTINGS_MODULE` does, and django-cors-headers
reads only what that object holds (`corsheaders.conf`: `getattr(settings, name, default)`)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, run_lint

django_conf = pytest.importorskip("django.conf")

FOLDER = FIXTURES / "django"


@pytest.fixture
def on_path() -> Iterator[None]:
    """The fixtures import `registry` from their own folder: a fresh import each time."""
    saved = list(sys.path)
    yield
    sys.path[:] = saved
    for name in [n for n in sys.modules if n == "registry" or n.startswith("registry.")]:
        del sys.modules[name]


def loaded_settings(project: Path) -> object:
    sys.path.insert(0, str(project))
    return django_conf.Settings("registry.settings")


@pytest.mark.usefixtures("on_path")
def test_a_module_import_binds_no_setting() -> None:
    project = FOLDER / "cors_module_imported_not_star"
    real = loaded_settings(project)
    assert not hasattr(real, "CORS_ALLOWED_ORIGINS")
    assert not hasattr(real, "CORS_ALLOW_CREDENTIALS")
    findings = run_lint(project).findings
    assert [(f.rule_id, Path(f.location.path).name, f.location.line) for f in findings] == [
        ("CORS303", "cors_policy.py", 2)
    ]
    assert "from registry.cors_policy import *" in findings[0].message


@pytest.mark.usefixtures("on_path")
def test_a_star_import_applies_the_settings() -> None:
    project = FOLDER / "cors_module_star_imported"
    real = loaded_settings(project)
    assert real.CORS_ALLOWED_ORIGINS == ["https://console.registry.example.org"]
    assert real.CORS_ALLOW_CREDENTIALS is True
    result = run_lint(project)
    assert result.findings == []
    policies = [p for p in result.policies if p.framework == "django"]
    assert policies
    for policy in policies:
        origins = policy.options["CORS_ALLOWED_ORIGINS"]
        assert [entry.raw for entry in origins.raw] == list(real.CORS_ALLOWED_ORIGINS)
