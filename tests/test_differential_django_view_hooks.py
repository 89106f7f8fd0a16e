"""Differential truth for hand-written Django CORS that census 7 found judged wrongly:

- a class view's own hooks (fixture python_headers/django_class_view_cors_hooks): a
  `dispatch` mixin over `super().dispatch(...)`, DRF's `finalize_response` and
  `default_response_headers`, and a helper method reading `self.request`, run by Django
  5.2 and Django REST framework 3.15;
- the project's own middleware reading `CORS_ALLOWED_ORIGINS` / `CORS_ALLOW_CREDENTIALS`
  from the settings (fixture python_headers/django_own_middleware_reads_cors_settings),
  built with the fixture's settings module's values.

Each answer, simple requests and preflights, must be the one corslint's model gives."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from corslint.frameworks.python_headers import respond
from corslint.http import Request
from corslint.model import CorsPolicy
from tests.conftest import FIXTURES, policies_linted_inside
from tests.django_setup import configure_django

django = pytest.importorskip("django")
pytest.importorskip("rest_framework")

configure_django("tests.django_setup")

from django.test import RequestFactory, override_settings  # noqa: E402

HOOKS = FIXTURES / "python_headers" / "django_class_view_cors_hooks"
OWN = FIXTURES / "python_headers" / "django_own_middleware_reads_cors_settings"
ORIGINS = ("https://attacker.invalid", "https://shifts.example.org", "http://localhost:5173")
HEADERS = (
    "Access-Control-Allow-Origin",
    "Access-Control-Allow-Credentials",
    "Access-Control-Allow-Methods",
    "Access-Control-Allow-Headers",
)


@pytest.fixture(autouse=True)
def _forget_fixture_modules() -> Iterator[None]:
    yield
    for name in [n for n in sys.modules if n.partition(".")[0] in {"board", "api", "roster"}]:
        del sys.modules[name]


def _policy(project: Path, label: str) -> CorsPolicy:
    """The policy of the layer whose label names `label` (`view ScreenList`, ...)."""
    found = [p for p in policies_linted_inside(project, "django_headers") if label in p.label]
    assert len(found) == 1, [p.label for p in policies_linted_inside(project, "django_headers")]
    return found[0]


def _requests(origin: str) -> list[tuple[Request, dict[str, str]]]:
    """A GET and a preflight for a PUT with a JSON body, as corslint and as Django see them."""
    preflight = {
        "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "PUT",
        "HTTP_ACCESS_CONTROL_REQUEST_HEADERS": "content-type",
    }
    return [
        (Request("GET", origin), {"REQUEST_METHOD": "GET"}),
        (
            Request(
                "OPTIONS",
                origin,
                (
                    ("access-control-request-method", "PUT"),
                    ("access-control-request-headers", "content-type"),
                ),
            ),
            {"REQUEST_METHOD": "OPTIONS", **preflight},
        ),
    ]


def _agree(view: object, policy: CorsPolicy, path: str) -> None:
    for origin in ORIGINS:
        for request, meta in _requests(origin):
            method = meta.pop("REQUEST_METHOD")
            real = view(RequestFactory().generic(method, path, HTTP_ORIGIN=origin, **meta))  # type: ignore[operator]
            ours = respond(policy, Request(request.method, origin, request.headers, path))
            for header in HEADERS:
                assert real.get(header) == ours.get(header.lower()), (origin, method, header)


def test_dispatch_mixin_finalize_response_and_self_request_helper(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(HOOKS))
    views = importlib.import_module("board.views")
    _agree(views.ScreenList.as_view(), _policy(HOOKS, "EchoCorsMixin.dispatch"), "/screens")
    # no django.contrib.auth in the shared test settings: DRF's anonymous user left out
    drf: dict[str, object] = {
        "UNAUTHENTICATED_USER": None,
        "DEFAULT_AUTHENTICATION_CLASSES": [],
        "DEFAULT_PERMISSION_CLASSES": [],
    }
    with override_settings(REST_FRAMEWORK=drf):
        _agree(views.NoticeFeed.as_view(), _policy(HOOKS, "PublicFeedMixin.finalize_response"), "/notices")
        signage = _policy(HOOKS, "SignageHeadersMixin.default_response_headers")
        _agree(views.SignageState.as_view(), signage, "/signage")
    _agree(views.TicketView.as_view(), _policy(HOOKS, "view TicketView"), "/tickets")
    labels = [p.label for p in policies_linted_inside(HOOKS, "django_headers")]
    assert not any("PartnerCorsMixin" in label for label in labels)  # no view uses it


def test_own_middleware_reads_the_settings_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(OWN))
    settings = importlib.import_module("roster.settings")
    cors = importlib.import_module("api.cors")
    views = importlib.import_module("api.views")
    with override_settings(
        CORS_ALLOWED_ORIGINS=settings.CORS_ALLOWED_ORIGINS,
        CORS_ALLOW_CREDENTIALS=settings.CORS_ALLOW_CREDENTIALS,
    ):
        layer = cors.RosterCorsMiddleware(views.shifts)
    _agree(layer, _policy(OWN, "RosterCorsMiddleware"), "/api/shifts")
