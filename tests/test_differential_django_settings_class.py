"""Django settings written as class attributes and exported into the settings module by a
loader call handed `__name__` (readthedocs/readthedocs.org's `load_settings`): the
settings corslint reads are the ones the fixture's own settings module ends up with when
Python imports it. (The real corsheaders middleware is replayed on the same policy by
tests/test_differential_django.py, which reads every Django fixture.)"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator

import pytest

from tests.conftest import FIXTURES, policies_linted_inside

PROJECT = FIXTURES / "django" / "settings_class_exported_by_loader"


@pytest.fixture(autouse=True)
def _forget_fixture_modules() -> Iterator[None]:
    yield
    for name in [n for n in sys.modules if n.partition(".")[0] == "atlas"]:
        del sys.modules[name]


def test_exported_class_attributes_are_the_module_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    (policy,) = policies_linted_inside(PROJECT, "django")
    monkeypatch.syspath_prepend(str(PROJECT))
    monkeypatch.delenv("ATLAS_PREVIEW", raising=False)
    for name in [n for n in sys.modules if n.partition(".")[0] == "atlas"]:
        monkeypatch.delitem(sys.modules, name)
    settings = importlib.import_module("atlas.settings.prod")
    for name, value in policy.options.items():
        if name.startswith("CORS_"):
            real = getattr(settings, name)
            assert value.plain() == (tuple(real) if isinstance(real, list) else real), name
    assert settings.CORS_ALLOW_ALL_ORIGINS is True
    assert settings.MIDDLEWARE[0] == "corsheaders.middleware.CorsMiddleware"
