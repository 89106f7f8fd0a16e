"""envparse readers (`env.bool("X", default=True)`, `env.int(...)`, `env.str(...)`): corslint
takes the default while the variable is unset (fixture django/envparse_settings_defaults,
after agorinenko/django-start). The fixture's own settings module is run with the real
envparse 0.2.0, and django-cors-headers is given what it computes."""

from __future__ import annotations

import importlib.util
from types import ModuleType

import pytest

from tests.conftest import FIXTURES, policies_linted_inside, run_lint
from tests.django_setup import configure_django

pytest.importorskip("envparse")
pytest.importorskip("corsheaders")

configure_django(__name__)

from corsheaders.middleware import CorsMiddleware  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import RequestFactory, override_settings  # noqa: E402

urlpatterns: list[object] = []
PROJECT = FIXTURES / "django" / "envparse_settings_defaults"
VARIABLES = ("KITCHEN_CORS_ALLOW_ALL", "KITCHEN_CORS_CREDENTIALS", "KITCHEN_CORS_MAX_AGE")
EVIL = "https://evil.example"


def _settings(monkeypatch: pytest.MonkeyPatch, **environment: str) -> ModuleType:
    for variable in VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value)
    spec = importlib.util.spec_from_file_location("kitchen_settings", PROJECT / "kitchen" / "settings.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_defaults_are_what_envparse_returns(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = _settings(monkeypatch)
    (policy,) = policies_linted_inside(PROJECT, "django")
    ours = {name: value.plain() for name, value in policy.options.items()}
    for name in ("CORS_ALLOW_ALL_ORIGINS", "CORS_ALLOW_CREDENTIALS", "CORS_PREFLIGHT_MAX_AGE"):
        assert ours[name] == getattr(settings, name), name
    assert policy.options["CORS_ALLOW_ALL_ORIGINS"].env_var == "KITCHEN_CORS_ALLOW_ALL"
    assert settings.CORS_PREFLIGHT_MAX_AGE == 600 and isinstance(settings.CORS_PREFLIGHT_MAX_AGE, int)


def test_the_defaults_reflect_any_origin_with_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = _settings(monkeypatch)
    values = {name: getattr(settings, name) for name in dir(settings) if name.startswith("CORS_")}
    with override_settings(**values):
        answer = CorsMiddleware(lambda request: HttpResponse("[]"))(
            RequestFactory().get("/recipes/", HTTP_ORIGIN=EVIL)
        )
    assert answer["Access-Control-Allow-Origin"] == EVIL
    assert answer["Access-Control-Allow-Credentials"] == "true"


def test_the_finding_holds_only_while_the_variables_are_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    """A set value is cast (`"off"` -> False): the finding says which variables decide it."""
    settings = _settings(monkeypatch, KITCHEN_CORS_ALLOW_ALL="off")
    assert settings.CORS_ALLOW_ALL_ORIGINS is False
    (finding,) = run_lint(PROJECT).findings
    assert finding.rule_id == "CORS101"
    assert "when KITCHEN_CORS_ALLOW_ALL and KITCHEN_CORS_CREDENTIALS are unset" in finding.message
