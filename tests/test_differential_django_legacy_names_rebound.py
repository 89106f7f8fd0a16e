"""Differential truth for deprecated django-cors-headers names that the settings module
imports from a module of its own and binds again (fixture
django/legacy_names_rebound_from_library_module; the shape of bobojonov-sobirjon/
SafeCode-CRM config/settings.py:4-12 and config/libraries/cors.py). Django's `Settings`
(django 5.2) holds what the settings module binds; django-cors-headers 4.9
(`corsheaders.conf`) still reads `CORS_ORIGIN_WHITELIST` and `CORS_ORIGIN_ALLOW_ALL`, as
fallbacks of their new names. The legacy names are spelt in both modules, so CORS304
points at both: renaming them in settings.py alone leaves the imports failing."""

from __future__ import annotations

import inspect
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, run_lint

django_conf = pytest.importorskip("django.conf")
corsheaders_conf = pytest.importorskip("corsheaders.conf")

PROJECT = FIXTURES / "django" / "legacy_names_rebound_from_library_module"


@pytest.fixture
def on_path() -> Iterator[None]:
    saved = list(sys.path)
    sys.path.insert(0, str(PROJECT))
    yield
    sys.path[:] = saved
    for name in [n for n in sys.modules if n == "kiosk" or n.startswith("kiosk.")]:
        del sys.modules[name]


@pytest.mark.usefixtures("on_path")
def test_the_settings_hold_the_legacy_names_the_library_falls_back_to() -> None:
    real = django_conf.Settings("kiosk.settings")
    assert real.CORS_ORIGIN_WHITELIST == ["https://kiosk.example.com"]  # type: ignore[attr-defined]
    assert real.CORS_ORIGIN_ALLOW_ALL is False  # type: ignore[attr-defined]
    assert real.CORS_ALLOWED_ORIGINS == [  # type: ignore[attr-defined]
        "https://kiosk.example.com",
        "https://staff.kiosk.example.com",
    ]
    source = inspect.getsource(corsheaders_conf)
    assert 'getattr(settings, "CORS_ORIGIN_WHITELIST", ())' in source
    assert 'getattr(settings, "CORS_ORIGIN_ALLOW_ALL", False)' in source


def test_corslint_names_the_legacy_names_in_both_modules() -> None:
    found = sorted(
        (f.rule_id, Path(f.location.path).name, f.location.line) for f in run_lint(PROJECT).findings
    )
    assert found == [
        ("CORS304", "cross_site.py", 6),
        ("CORS304", "cross_site.py", 9),
        ("CORS304", "settings.py", 35),
        ("CORS304", "settings.py", 36),
    ]
