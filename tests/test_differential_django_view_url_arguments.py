"""A Django function view that refuses a bad URL value (`code > 99`) or query value before
writing `Access-Control-Allow-Origin: *` on every other answer: the fixture's own view, run
by Django 5.2, sends `*` to any Origin on a good ping and nothing on the refused ones, as
corslint's model answers for the arm the requester picks (ECO305, healthchecks shape)."""

from __future__ import annotations

import importlib
import sys
import types
import uuid
from collections.abc import Iterator

import pytest

from corslint.frameworks.python_headers import respond
from corslint.http import Request
from tests.conftest import FIXTURES, policies_linted_inside
from tests.django_setup import configure_django

django = pytest.importorskip("django")

configure_django("tests.django_setup")

from django.test import RequestFactory  # noqa: E402

PROJECT = FIXTURES / "django" / "handwritten_view_url_argument_early_return"
ATTACKER = "https://attacker.invalid"


class _Beacon:
    def record(self, *args: object) -> None:
        pass


@pytest.fixture(autouse=True)
def _forget_fixture_modules() -> Iterator[None]:
    yield
    for name in [n for n in sys.modules if n.partition(".")[0] == "beacons"]:
        del sys.modules[name]


def test_good_pings_carry_the_wildcard_like_the_running_view(monkeypatch: pytest.MonkeyPatch) -> None:
    (policy,) = policies_linted_inside(PROJECT, "django_headers")
    monkeypatch.syspath_prepend(str(PROJECT))
    models = types.ModuleType("beacons.models")
    models.Beacon = _Beacon  # type: ignore[attr-defined]  # no database: the view is handed its beacon
    monkeypatch.setitem(sys.modules, "beacons.models", models)
    views = importlib.import_module("beacons.views")
    token = uuid.uuid4()
    factory = RequestFactory()

    good = views.signal(factory.get(f"/signal/{token}/0", HTTP_ORIGIN=ATTACKER), token, _Beacon(), code=0)
    refused = views.signal(
        factory.get(f"/signal/{token}/150", HTTP_ORIGIN=ATTACKER), token, _Beacon(), code=150
    )
    preflight = views.signal(factory.options(f"/signal/{token}", HTTP_ORIGIN=ATTACKER), token, _Beacon())
    assert (good.status_code, good["Access-Control-Allow-Origin"]) == (200, "*")
    assert refused.status_code == 400 and "Access-Control-Allow-Origin" not in refused
    assert "Access-Control-Allow-Methods" not in preflight  # the view answers OPTIONS as GET (CORS206)

    ours = respond(policy, Request("GET", ATTACKER, path=f"/signal/{token}"))
    assert ours.get("access-control-allow-origin") == "*"
    assert ours.get("access-control-allow-methods") is None
