"""django-configurations (2.5.1): the settings of a `Configuration` class are what its
`setup()` leaves on the class (the importer copies its upper-case attributes onto the
settings module). corslint's policy for the fixture's `Production` class must hold the same
CORS settings, each `values.*` default read "when" its environment variable is unset, and
the variable named must be the one the library reads."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import FIXTURES, policies_linted_inside

pytest.importorskip("configurations")
PROJECT = FIXTURES / "django" / "configuration_classes_env_defaults"


def _forget() -> None:
    for name in [n for n in sys.modules if n.partition(".")[0] == "ledger"]:
        del sys.modules[name]


@pytest.fixture(autouse=True)
def _forget_fixture_modules() -> Iterator[None]:
    yield
    _forget()


def _configured(monkeypatch: pytest.MonkeyPatch, name: str) -> Any:
    from configurations import importer  # type: ignore[import-untyped]
    from configurations.utils import uppercase_attributes  # type: ignore[import-untyped]

    # what the importer's starter functions do before the settings module is loaded; its
    # finder is left out (it would stay on sys.meta_path for the other tests)
    monkeypatch.setattr(importer, "installed", True)
    monkeypatch.syspath_prepend(str(PROJECT))
    _forget()
    environments = importlib.import_module("ledger.settings.environments")
    configuration = getattr(environments, name)
    configuration.pre_setup()
    configuration.setup()
    configuration.post_setup()
    return uppercase_attributes(configuration)


def _plain(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def test_production_settings_match_the_library(monkeypatch: pytest.MonkeyPatch) -> None:
    policies = policies_linted_inside(PROJECT, "django")
    (production,) = [p for p in policies if "Production" in p.label]
    for variable in (
        "DJANGO_CORS_ORIGIN_ALLOW_ALL",
        "LEDGER_CORS_ALLOWED_ORIGINS",
        "DJANGO_CORS_ALLOW_HEADERS",
    ):
        monkeypatch.delenv(variable, raising=False)
    real = _configured(monkeypatch, "Production")
    for name, value in production.options.items():
        if name.startswith("CORS_"):
            assert value.plain() == _plain(real[name]), name
    assert production.options["CORS_ORIGIN_ALLOW_ALL"].env_var == "DJANGO_CORS_ORIGIN_ALLOW_ALL"
    assert production.options["CORS_ALLOWED_ORIGINS"].env_var == "LEDGER_CORS_ALLOWED_ORIGINS"
    assert not production.development_only


def test_the_named_variables_are_the_ones_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DJANGO_CORS_ORIGIN_ALLOW_ALL", "false")
    monkeypatch.setenv("LEDGER_CORS_ALLOWED_ORIGINS", "https://a.example,https://b.example")
    real = _configured(monkeypatch, "Production")
    assert real["CORS_ORIGIN_ALLOW_ALL"] is False
    assert real["CORS_ALLOWED_ORIGINS"] == ["https://a.example", "https://b.example"]


def test_local_configuration_is_development_only(monkeypatch: pytest.MonkeyPatch) -> None:
    (local,) = [p for p in policies_linted_inside(PROJECT, "django") if "Local" in p.label]
    assert local.development_only
    real = _configured(monkeypatch, "Local")
    assert local.options["CORS_ALLOWED_ORIGINS"].plain() == _plain(real["CORS_ALLOWED_ORIGINS"])
