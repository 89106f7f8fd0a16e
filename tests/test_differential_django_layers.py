"""Differential truth for a hand-written Django middleware listed after django-cors-headers'
CorsMiddleware (fixture django/handwritten_middleware_under_corsheaders): corsheaders
answers every preflight itself, so the inner layer never sees one, while both write onto
the other responses. The real chain (Django 5.2, django-cors-headers 4.9) decides what
corslint may say: no CORS206 at the inner layer, a CORS302 between the two."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from corslint.frameworks.python_headers import respond
from corslint.http import Request
from corslint.model import UnresolvedValueError
from tests.conftest import FIXTURES, run_lint
from tests.django_setup import configure_django

django = pytest.importorskip("django")
pytest.importorskip("corsheaders")

configure_django(__name__)

from corsheaders.middleware import CorsMiddleware  # noqa: E402
from django.http import HttpRequest, HttpResponse, JsonResponse  # noqa: E402
from django.test import RequestFactory, override_settings  # noqa: E402
from django.utils.deprecation import MiddlewareMixin  # noqa: E402

urlpatterns: list[object] = []
PROJECT = FIXTURES / "django" / "handwritten_middleware_under_corsheaders"
ALLOWED = "https://reader.example.org"
OTHER = "https://elsewhere.example.net"


class OpenShelfHeaders(MiddlewareMixin):  # the fixture's middleware, written again here
    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Allow-Headers"] = "Content-Type"
        return response


def view(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"books": []})


def chain() -> Callable[[HttpRequest], HttpResponse]:
    """MIDDLEWARE = [CorsMiddleware, OpenShelfHeaders]: the first listed is outermost."""
    return CorsMiddleware(OpenShelfHeaders(view))


def send(method: str, origin: str, preflight: bool = False) -> HttpResponse:
    meta = {"HTTP_ORIGIN": origin}
    if preflight:
        meta["HTTP_ACCESS_CONTROL_REQUEST_METHOD"] = "PUT"
    with override_settings(CORS_ALLOWED_ORIGINS=[ALLOWED]):
        return chain()(RequestFactory().generic(method, "/books/", **meta))


def test_corsheaders_answers_every_preflight_before_the_inner_layer() -> None:
    for origin in (ALLOWED, OTHER):
        response = send("OPTIONS", origin, preflight=True)
        assert response.status_code == 200
        assert response.get("Access-Control-Allow-Origin") != "*"  # the inner layer never ran
        assert response.get("Access-Control-Allow-Headers") != "Content-Type"
    assert send("OPTIONS", ALLOWED, preflight=True)["Access-Control-Allow-Methods"]
    assert "Access-Control-Allow-Origin" not in send("OPTIONS", OTHER, preflight=True)


def test_both_layers_write_simple_responses() -> None:
    assert send("GET", ALLOWED)["Access-Control-Allow-Origin"] == ALLOWED  # corsheaders overwrites
    assert send("GET", OTHER)["Access-Control-Allow-Origin"] == "*"  # the inner layer's leaks through


def test_corslint_models_the_layering() -> None:
    result = run_lint(PROJECT)
    found = {(f.rule_id, f.location.path.rsplit("/", 1)[-1]) for f in result.findings}
    assert ("CORS302", "settings.py") in found  # at the hand-written middleware's MIDDLEWARE entry
    assert not any(rule == "CORS206" for rule, _ in found)
    policies = result.policies
    library = next(p for p in policies if p.framework == "django")
    written = next(p for p in policies if p.framework == "django_headers")
    assert written.app == library.app
    for origin in (ALLOWED, OTHER):  # what the inner layer writes on a GET, as measured
        assert (
            respond(written, Request("GET", origin, path="/books/")).get("Access-Control-Allow-Origin") == "*"
        )
    with pytest.raises(UnresolvedValueError):  # its preflights are corsheaders' answers
        respond(
            written, Request("OPTIONS", OTHER, (("access-control-request-method", "PUT"),), path="/books/")
        )
