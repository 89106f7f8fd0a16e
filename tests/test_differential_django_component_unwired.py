"""A django-cors-headers settings component star-imported into the settings package while
neither `corsheaders` nor its middleware is in the base module's INSTALLED_APPS/MIDDLEWARE
(LuCatIsFun/dynamic-access-demo main/settings/): Django loads the CORS settings, nothing
reads them, and no response carries a CORS header. CORS303 stands at the first setting and
names the MIDDLEWARE and INSTALLED_APPS lists it is missing from. Checked with Django 5.2
and django-cors-headers; corslint only reads the files."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, run_lint
from tests.django_setup import configure_django

django = pytest.importorskip("django")
pytest.importorskip("corsheaders")

configure_django("tests.django_setup")

from django.conf import Settings  # noqa: E402
from django.test import RequestFactory, override_settings  # noqa: E402
from django.utils.module_loading import import_string  # noqa: E402

PROJECT = FIXTURES / "django" / "cors_component_without_middleware"
ATTACKER = "https://attacker.invalid"


@pytest.fixture(autouse=True)
def _forget_fixture_modules(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.syspath_prepend(str(PROJECT))
    yield
    for name in [n for n in sys.modules if n.partition(".")[0] == "berthplan"]:
        del sys.modules[name]


def _answer(middleware: list[str], cors: dict[str, object]) -> dict[str, str | None]:
    view = importlib.import_module("berthplan.urls").berths
    with override_settings(ALLOWED_HOSTS=["*"], **cors):
        handler = view
        for name in reversed(middleware):
            handler = import_string(name)(handler)
        response = handler(RequestFactory().get("/berths/", HTTP_ORIGIN=ATTACKER))
    return {h: response.get(h) for h in ("Access-Control-Allow-Origin", "Access-Control-Allow-Credentials")}


def test_the_loaded_cors_settings_reach_no_middleware() -> None:
    real = Settings("berthplan.settings")
    cors = {name: getattr(real, name) for name in dir(real) if name.startswith("CORS_")}
    assert cors["CORS_ALLOW_ALL_ORIGINS"] is True  # Django does load the component
    assert "corsheaders" not in real.INSTALLED_APPS
    assert not any("corsheaders" in name for name in real.MIDDLEWARE)
    nothing = {"Access-Control-Allow-Origin": None, "Access-Control-Allow-Credentials": None}
    assert _answer(list(real.MIDDLEWARE), cors) == nothing
    # the same settings with the middleware added would open the API to every site
    wired = ["corsheaders.middleware.CorsMiddleware", *real.MIDDLEWARE]
    assert _answer(wired, cors) == {
        "Access-Control-Allow-Origin": ATTACKER,
        "Access-Control-Allow-Credentials": "true",
    }


def test_cors303_names_the_lists_to_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(PROJECT)
    findings = run_lint(Path(".")).findings
    assert [(f.rule_id, f.location.path, f.location.line) for f in findings] == [
        ("CORS303", "berthplan/settings/cross_site.py", 3)
    ]
    related = [(r.location.path, r.location.line) for r in findings[0].related]
    assert related == [("berthplan/settings/base.py", 12), ("berthplan/settings/base.py", 5)]
