"""Differential truth for a hand-written Django middleware listed after django-cors-headers'
CorsMiddleware when corsheaders admits every origin with credentials (census 11 C1,
JAvila30/backend_final app/cors.py; fixture django/handwritten_middleware_under_corsheaders_allow_all).
The real chain (Django 5.2, django-cors-headers 4.9) writes corsheaders' Allow-Origin over the
inner layer's `*` on every request that carries an Origin: only requests without one keep
the `*`, and no cross-origin reader sends those. corslint therefore judges corsheaders'
policy (CORS101) and the two layers (CORS302), and no longer the inner `*` (CORS105).
With an allow-list instead, the inner `*` does reach unlisted origins: see
tests/test_differential_django_layers.py, whose fixture keeps its CORS105."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.conftest import FIXTURES, run_lint
from tests.django_setup import configure_django

django = pytest.importorskip("django")
pytest.importorskip("corsheaders")

configure_django("tests.django_setup")

from corsheaders.middleware import CorsMiddleware  # noqa: E402
from django.http import HttpRequest, HttpResponse, JsonResponse  # noqa: E402
from django.test import RequestFactory, override_settings  # noqa: E402

PROJECT = FIXTURES / "django" / "handwritten_middleware_under_corsheaders_allow_all"


class StampOpenAccess:  # the fixture's middleware, written again here
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Allow-Methods"] = "GET, POST"
        return response


def view(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"open": []})


def send(method: str, origin: str | None, preflight: bool = False) -> HttpResponse:
    meta = {"HTTP_ORIGIN": origin} if origin else {}
    if preflight:
        meta["HTTP_ACCESS_CONTROL_REQUEST_METHOD"] = "PUT"
    with override_settings(CORS_ALLOW_ALL_ORIGINS=True, CORS_ALLOW_CREDENTIALS=True):
        # MIDDLEWARE = [CorsMiddleware, ..., StampOpenAccess]: the first listed is outermost
        return CorsMiddleware(StampOpenAccess(view))(RequestFactory().generic(method, "/tickets/", **meta))


def test_corsheaders_writes_over_the_inner_star_whenever_an_origin_is_sent() -> None:
    for origin in ("https://evil.example", "https://desk.example.org", "null"):
        for preflight in (False, True):
            answer = send("OPTIONS" if preflight else "GET", origin, preflight)
            assert answer["Access-Control-Allow-Origin"] == origin
            assert answer["Access-Control-Allow-Credentials"] == "true"
    assert send("GET", None)["Access-Control-Allow-Origin"] == "*"  # no cross-origin reader


def test_corslint_judges_corsheaders_and_the_layering_not_the_inner_star() -> None:
    found = sorted(
        (f.rule_id, f.location.path.rsplit("/", 1)[-1], f.location.line) for f in run_lint(PROJECT).findings
    )
    assert found == [("CORS101", "settings.py", 24), ("CORS302", "settings.py", 19)]
    (layers,) = [f for f in run_lint(PROJECT).findings if f.rule_id == "CORS302"]
    assert "writes its own `Access-Control-Allow-Origin` over this layer's" in layers.message
