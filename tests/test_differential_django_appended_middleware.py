"""Differential truth for a hand-written Django middleware that the settings add to
MIDDLEWARE in place (SWEEP13 M7, mykhalko/Employee: `MIDDLEWARE.append(...)`):

- fixture python_headers/django_middleware_appended_simplejwt: the settings module, run by
  Python, lists the middleware last; Django 5.2 runs it over a view, and every answer
  (simple requests and preflights) is the one corslint's model gives;
- fixture python_headers/django_middleware_appended_under_debug_env: `if DEBUG:
  MIDDLEWARE.insert(0, ...)` with DEBUG from an unset environment variable leaves the
  middleware out, and corslint builds no policy for it (the development arm)."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from corslint.extractors.python import PythonProject
from corslint.extractors.python_headers.django_appended import middleware_setting
from corslint.frameworks.python_headers import respond
from corslint.http import Request
from tests.conftest import FIXTURES, policies_linted_inside
from tests.django_setup import configure_django

django = pytest.importorskip("django")

configure_django("tests.django_setup")

from django.http import HttpResponse  # noqa: E402
from django.test import RequestFactory  # noqa: E402

APPENDED = FIXTURES / "python_headers" / "django_middleware_appended_simplejwt"
UNDER_DEBUG = FIXTURES / "python_headers" / "django_middleware_appended_under_debug_env"
ORIGINS = ("https://attacker.invalid", "https://dashboard.depot.example")
HEADERS = (
    "Access-Control-Allow-Origin",
    "Access-Control-Allow-Credentials",
    "Access-Control-Allow-Methods",
    "Access-Control-Allow-Headers",
)


@pytest.fixture(autouse=True)
def _forget_fixture_modules() -> Iterator[None]:
    yield
    for name in [n for n in sys.modules if n.partition(".")[0] in {"depot", "ledger"}]:
        del sys.modules[name]


def _read(project: Path) -> list[str | None]:
    """MIDDLEWARE as corslint reads the fixture's settings module."""
    settings = PythonProject().module_at(project / "depot" / "settings.py")
    assert settings is not None
    value = middleware_setting(settings)
    assert value is not None and value.known and isinstance(value.raw, tuple)
    return [item.raw if isinstance(item.raw, str) else None for item in value.raw]


def test_appended_middleware_runs_and_answers_as_modelled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(APPENDED))
    settings = importlib.import_module("depot.settings")
    assert list(settings.MIDDLEWARE) == _read(APPENDED)
    assert settings.MIDDLEWARE[-1] == "ledger.cross_site.DashboardAccessMiddleware"
    cross_site = importlib.import_module("ledger.cross_site")
    layer = cross_site.DashboardAccessMiddleware(lambda request: HttpResponse("[]"))
    (policy,) = policies_linted_inside(APPENDED, "django_headers")
    assert any(e.kind == "bearer-auth" for e in policy.evidence)
    for origin in ORIGINS:
        for method, meta, headers in (
            ("GET", {}, ()),
            (
                "OPTIONS",
                {
                    "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "PUT",
                    "HTTP_ACCESS_CONTROL_REQUEST_HEADERS": "authorization",
                },
                (
                    ("access-control-request-method", "PUT"),
                    ("access-control-request-headers", "authorization"),
                ),
            ),
        ):
            real = layer(RequestFactory().generic(method, "/api/stock/", HTTP_ORIGIN=origin, **meta))
            ours = respond(policy, Request(method, origin, headers, "/api/stock/"))
            for header in HEADERS:
                assert real.get(header) == ours.get(header.lower()), (origin, method, header)


def test_middleware_inserted_under_unset_debug_is_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(UNDER_DEBUG))
    monkeypatch.setenv("DJANGO_SECRET_KEY", "differential-test")
    monkeypatch.delenv("DJANGO_DEBUG", raising=False)
    settings = importlib.import_module("depot.settings")
    assert list(settings.MIDDLEWARE) == _read(UNDER_DEBUG)
    assert not any("dev_cors" in entry for entry in settings.MIDDLEWARE)
    assert policies_linted_inside(UNDER_DEBUG, "django_headers") == []
