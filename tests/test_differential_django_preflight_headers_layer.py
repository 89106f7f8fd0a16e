"""Differential truth for a hand-written Django middleware that writes only preflight headers
(Allow-Methods, Max-Age, Allow-Headers) on /public responses, beside django-cors-headers
(fixtures django/preflight_headers_middleware_over_corsheaders and ..._under_corsheaders_clean,
after isbik/trywidget's PublicCorsMiddleware; blind set 23).

Listed before corsheaders it is the outer layer: corsheaders answers the preflight and the
middleware then replaces those three headers in the answer, so the preflight carries neither
the settings' values alone nor the middleware's policy (CORS302). Listed after corsheaders,
it never sees a preflight (corsheaders answers them itself) and what it writes on other
responses is ignored by browsers: no CORS302. Measured with Django 5.2 and
django-cors-headers 4.9; the fixture's own middleware class is what runs."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from types import ModuleType

import pytest

from tests.conftest import FIXTURES, run_lint
from tests.django_setup import configure_django

django = pytest.importorskip("django")
pytest.importorskip("corsheaders")

configure_django(__name__)

from corsheaders.middleware import CorsMiddleware  # noqa: E402
from django.http import HttpRequest, HttpResponse, JsonResponse  # noqa: E402
from django.test import RequestFactory, override_settings  # noqa: E402

urlpatterns: list[object] = []
OVER = FIXTURES / "django" / "preflight_headers_middleware_over_corsheaders"
UNDER = FIXTURES / "django" / "preflight_headers_middleware_under_corsheaders_clean"
SHOP = "https://shop.example.com"
SETTINGS = {"CORS_ALLOWED_ORIGINS": [SHOP], "CORS_ALLOW_HEADERS": ["accept", "content-type", "authorization"]}


def _fixture_middleware(project: object) -> type:
    path = FIXTURES / "django" / str(project) / "embeds" / "public_headers.py"
    spec = importlib.util.spec_from_file_location(f"public_headers_{abs(hash(path))}", path)
    assert spec is not None and spec.loader is not None
    module: ModuleType = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.PublicPreflightHeaders  # type: ignore[no-any-return]


def view(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"theme": "light"})


def preflight(chain: Callable[[HttpRequest], HttpResponse]) -> HttpResponse:
    request = RequestFactory().options(
        "/public/widgets/w1/",
        HTTP_ORIGIN=SHOP,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="PUT",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type",
    )
    with override_settings(**SETTINGS):
        return chain(request)


def test_listed_before_corsheaders_it_replaces_the_preflight_headers() -> None:
    layer = _fixture_middleware(OVER.name)
    alone = preflight(CorsMiddleware(view))
    both = preflight(layer(CorsMiddleware(view)))  # MIDDLEWARE: [layer, CorsMiddleware]
    assert alone["Access-Control-Allow-Origin"] == both["Access-Control-Allow-Origin"] == SHOP
    assert alone["Access-Control-Max-Age"] == "86400"
    assert both["Access-Control-Max-Age"] == "1000"
    assert alone["Access-Control-Allow-Headers"] == "accept, content-type, authorization"
    assert both["Access-Control-Allow-Headers"] == "Content-Type, X-Widget-Key"  # authorization lost
    assert both["Access-Control-Allow-Methods"] == "GET,POST,PUT,DELETE,OPTIONS"


def test_listed_after_corsheaders_it_never_sees_a_preflight() -> None:
    layer = _fixture_middleware(UNDER.name)
    alone = preflight(CorsMiddleware(view))
    both = preflight(CorsMiddleware(layer(view)))  # MIDDLEWARE: [CorsMiddleware, layer]
    for header in ("Access-Control-Max-Age", "Access-Control-Allow-Headers", "Access-Control-Allow-Methods"):
        assert both[header] == alone[header]


def test_corslint_reports_the_outer_layer_only() -> None:
    over = run_lint(OVER).findings
    assert [f.rule_id for f in over] == ["CORS302"]
    assert "replaces `Access-Control-Allow-Methods`" in over[0].message
    assert over[0].location.path.endswith("settings.py")
    assert not run_lint(UNDER).findings
