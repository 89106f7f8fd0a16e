"""environs readers (`env.list("X", [default])`, `env.bool("X", default=True)`): corslint
takes the default while the variable is unset; the fixture's own settings module is run
with the real environs 14.5.0 and Starlette is given what it computes."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import FIXTURES, policies_linted_inside

pytest.importorskip("environs")
from starlette.applications import Starlette
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

PROJECT = FIXTURES / "starlette" / "environs_list_default_localhost"


@pytest.fixture(autouse=True)
def _forget_fixture_modules() -> Iterator[None]:
    """The fixture project's modules leave sys.modules with the test (other fixture
    projects use the same package names)."""
    yield
    for name in [n for n in sys.modules if n.partition(".")[0] in {"roster"}]:
        del sys.modules[name]


VARIABLES = ("ROSTER_DEBUG", "ROSTER_ALLOWED_ORIGINS", "ROSTER_SEND_COOKIES")


def _settings(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.chdir(PROJECT)  # read_env() finds no .env here
    monkeypatch.syspath_prepend(str(PROJECT))
    for name in [n for n in sys.modules if n == "roster" or n.startswith("roster.")]:
        monkeypatch.delitem(sys.modules, name)
    import roster.settings

    return roster.settings


def test_defaults_are_what_environs_returns(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    (policy,) = policies_linted_inside(PROJECT, "starlette")
    ours = {name: value.plain() for name, value in policy.options.items()}
    settings = _settings(monkeypatch)
    assert list(ours["allow_origins"]) == settings.ALLOWED_ORIGINS
    assert ours["allow_credentials"] is settings.SEND_COOKIES is True
    assert policy.options["allow_origins"].env_var == "ROSTER_ALLOWED_ORIGINS"

    async def ok(request: object) -> PlainTextResponse:
        return PlainTextResponse("ok")

    client = TestClient(
        CORSMiddleware(
            Starlette(routes=[Route("/shifts", ok)]),
            allow_origins=settings.ALLOWED_ORIGINS,
            allow_credentials=settings.SEND_COOKIES,
        )
    )
    answer = client.get("/shifts", headers={"Origin": "http://localhost:3000"})
    assert answer.headers["access-control-allow-origin"] == "http://localhost:3000"
    assert answer.headers["access-control-allow-credentials"] == "true"


def test_a_set_variable_replaces_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROSTER_ALLOWED_ORIGINS", "https://roster.example.com")
    assert _settings(monkeypatch).ALLOWED_ORIGINS == ["https://roster.example.com"]
