"""Differential truth for a hand-written Django middleware listed *before* django-cors-headers'
CorsMiddleware (fixture django/handwritten_referer_middleware_over_corsheaders, after
OmarThinks/cantiin_django): the outer layer works the page's origin out of the Referer, then
the Origin, and writes `*` for the others with credentials. corsheaders, inside it, answers
the preflights it is handed and adds `Vary: Origin` to every response; the outer layer then
writes over them. The real chain (Django 5.2, django-cors-headers 4.9) decides what corslint
may say: CORS201 and CORS105 at the outer layer, CORS103 for its http entry, no CORS206
(corsheaders lists every origin the outer layer echoes, and their preflights carry its
Allow-Methods), no CORS107 (the Vary)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlparse

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

urlpatterns: list[object] = []
PROJECT = FIXTURES / "django" / "handwritten_referer_middleware_over_corsheaders"
LISTED = "https://shop.example.com"
PLAIN_HTTP = "http://staging.shop.example.com"
OTHER = "https://elsewhere.example.net"
KNOWN_FRONTENDS = [LISTED, "https://admin.shop.example.com", PLAIN_HTTP]


def page_origin(request: HttpRequest) -> str:  # the fixture's helper, written again here
    seen = request.headers.get("Referer", request.headers.get("Origin", "*"))
    if seen == "*":
        return "*"
    origin = urlparse(seen).scheme + "://" + urlparse(seen).netloc
    return origin if origin in KNOWN_FRONTENDS else "*"


class StorefrontHeaders:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response["Access-Control-Allow-Origin"] = page_origin(request)
        response["Access-Control-Allow-Headers"] = "accept, authorization, content-type, x-csrftoken"
        response["Access-Control-Allow-Credentials"] = "true"
        return response


def view(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"items": []})


def send(
    method: str, origin: str | None, preflight: bool = False, referer: str | None = None
) -> HttpResponse:
    """MIDDLEWARE = [StorefrontHeaders, CorsMiddleware]: the first listed is outermost."""
    meta = {"HTTP_ORIGIN": origin} if origin else {}
    if referer:
        meta["HTTP_REFERER"] = referer
    if preflight:
        meta["HTTP_ACCESS_CONTROL_REQUEST_METHOD"] = "PUT"
    settings = {"CORS_ALLOWED_ORIGINS": KNOWN_FRONTENDS, "CORS_ALLOW_CREDENTIALS": True}
    with override_settings(**settings):
        return StorefrontHeaders(CorsMiddleware(view))(RequestFactory().generic(method, "/basket/", **meta))


def test_listed_preflights_carry_corsheaders_methods() -> None:
    for origin in (LISTED, PLAIN_HTTP):  # every origin the outer layer echoes is corsheaders' too
        response = send("OPTIONS", origin, preflight=True)
        assert response.status_code == 200
        assert response["Access-Control-Allow-Origin"] == origin
        assert "PUT" in response["Access-Control-Allow-Methods"]
    # the others get the outer layer's `*` and no Allow-Methods: why a layer without an
    # allow-list of corsheaders' origins keeps CORS206 (tests/test_cross_module_layers.py)
    other = send("OPTIONS", OTHER, preflight=True)
    assert other["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Methods" not in other


def test_other_origins_get_a_star_with_credentials_and_every_response_varies() -> None:
    for referer in (None, OTHER + "/basket"):
        response = send("GET", OTHER, referer=referer)
        assert response["Access-Control-Allow-Origin"] == "*"
        assert response["Access-Control-Allow-Credentials"] == "true"
        assert "origin" in response["Vary"].lower()
    assert send("GET", None)["Access-Control-Allow-Origin"] == "*"
    assert send("GET", PLAIN_HTTP)["Access-Control-Allow-Origin"] == PLAIN_HTTP
    assert send("GET", LISTED, referer=LISTED + "/cart")["Access-Control-Allow-Origin"] == LISTED


def test_corslint_models_the_outer_layer() -> None:
    result = run_lint(PROJECT)
    rules = {f.rule_id for f in result.findings}
    assert {"CORS201", "CORS105", "CORS103", "CORS302"} <= rules
    assert not rules & {"CORS206", "CORS107"}
    layers = next(f for f in result.findings if f.rule_id == "CORS302")
    assert "the one at line 21" in layers.message  # corsheaders' MIDDLEWARE entry, not line 1
    written = next(p for p in result.policies if p.framework == "django_headers")
    for origin, expected in ((OTHER, "*"), (LISTED, LISTED), (PLAIN_HTTP, PLAIN_HTTP)):
        real = send("GET", origin)
        modelled = respond(written, Request("GET", origin, path="/basket/"))
        assert real["Access-Control-Allow-Origin"] == modelled.get("Access-Control-Allow-Origin") == expected
        assert modelled.get("Access-Control-Allow-Credentials") == "true"
        assert "origin" in (modelled.get("Vary") or "").lower()
    with pytest.raises(UnresolvedValueError):  # the preflights are corsheaders' answers
        respond(
            written, Request("OPTIONS", LISTED, (("access-control-request-method", "PUT"),), path="/basket/")
        )
