"""A hand-written Django middleware whose `__init__` reads an optional setting with
defaults (`getattr(settings, "DELIVERY_CORS", None) or {}`): the fixture's own middleware,
built by Django 5.2 with the fixture's settings (which never set it), answers as corslint's
model does. A project that does set the setting is judged on the value it sets."""

from __future__ import annotations

import importlib
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from corslint.frameworks.python_headers import respond
from corslint.http import Request
from tests.conftest import FIXTURES, policies_linted_inside
from tests.django_setup import configure_django

django = pytest.importorskip("django")

configure_django("tests.django_setup")

from django.test import RequestFactory  # noqa: E402

PROJECT = FIXTURES / "python_headers" / "django_middleware_init_setting_defaults"
ATTACKER = "https://attacker.invalid"


@pytest.fixture(autouse=True)
def _forget_fixture_modules() -> Iterator[None]:
    yield
    for name in [n for n in sys.modules if n.partition(".")[0] == "hooks"]:
        del sys.modules[name]


def test_defaults_match_the_running_middleware(monkeypatch: pytest.MonkeyPatch) -> None:
    (policy,) = policies_linted_inside(PROJECT, "django_headers")
    monkeypatch.syspath_prepend(str(PROJECT))
    cors = importlib.import_module("hooks.cors")
    urls = importlib.import_module("hooks.urls")
    layer = cors.DeliveryCors(urls.deliveries)  # django.conf.settings: no DELIVERY_CORS either
    for origin in (ATTACKER, "https://console.hooks.example"):
        real = layer(RequestFactory().get("/deliveries", HTTP_ORIGIN=origin))
        ours = respond(policy, Request("GET", origin, path="/deliveries"))
        for header in ("Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Vary"):
            assert real.get(header) == ours.get(header.lower()), header


def test_a_set_setting_is_judged_on_its_value(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With the setting set in the settings module, the middleware reads that value
    (census 7 C3): the model answers as the middleware built with it."""
    project = tmp_path / "configured"
    shutil.copytree(PROJECT, project)
    settings = project / "hooks" / "settings.py"
    settings.write_text(settings.read_text().replace("# DELIVERY_CORS", "DELIVERY_CORS"))
    (policy,) = policies_linted_inside(project, "django_headers")
    monkeypatch.syspath_prepend(str(project))
    cors = importlib.import_module("hooks.cors")
    urls = importlib.import_module("hooks.urls")
    from django.test import override_settings

    with override_settings(DELIVERY_CORS={"origins": ["https://console.hooks.example"]}):
        layer = cors.DeliveryCors(urls.deliveries)
    for origin in (ATTACKER, "https://console.hooks.example"):
        real = layer(RequestFactory().get("/deliveries", HTTP_ORIGIN=origin))
        ours = respond(policy, Request("GET", origin, path="/deliveries"))
        for header in ("Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Vary"):
            assert real.get(header) == ours.get(header.lower()), header
