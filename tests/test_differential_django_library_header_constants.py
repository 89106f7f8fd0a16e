"""A hand-written Django middleware that names its headers with django-cors-headers'
constants and writes them only on what was asked for (a request attribute its view sets,
an HTML response): the fixture's own middleware, run by Django 5.2 around the fixture's
views, sends `*` on those responses whatever the Origin, as corslint's model answers."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator

import pytest

from corslint.frameworks.python_headers import respond
from corslint.http import Request
from tests.conftest import FIXTURES, policies_linted_inside
from tests.django_setup import configure_django

django = pytest.importorskip("django")
pytest.importorskip("corsheaders")

configure_django("tests.django_setup")

from django.test import RequestFactory  # noqa: E402

PROJECT = FIXTURES / "python_headers" / "django_library_constant_headers_on_resource"
ATTACKER = "https://attacker.invalid"


@pytest.fixture(autouse=True)
def _forget_fixture_modules() -> Iterator[None]:
    yield
    for name in [n for n in sys.modules if n.partition(".")[0] == "gallery"]:
        del sys.modules[name]


def test_constant_named_headers_match_the_running_middleware(monkeypatch: pytest.MonkeyPatch) -> None:
    (policy,) = policies_linted_inside(PROJECT, "django_headers")
    monkeypatch.syspath_prepend(str(PROJECT))
    middleware = importlib.import_module("gallery.middleware")
    urls = importlib.import_module("gallery.urls")
    for view, path in ((urls.album, "/albums/summer"), (urls.snippet, "/snippets/summer")):
        layer = middleware.EmbedHeaders(lambda request, view=view: view(request, slug="summer"))
        real = layer(RequestFactory().get(path, HTTP_ORIGIN=ATTACKER))
        ours = respond(policy, Request("GET", ATTACKER, path=path))
        assert real["Access-Control-Allow-Origin"] == "*"
        assert ours.get("access-control-allow-origin") == "*"
        assert real["Access-Control-Allow-Methods"] == ours.get("access-control-allow-methods")
