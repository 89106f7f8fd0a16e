"""A Flask view whose `*` answer is one arm of a test on its own query argument
(`parts = urlparse(request.args["url"])`, `if parts.path.endswith(...)`): the fixture's
view, run by Flask 3, sends `*` to any Origin that asks for that URL, as corslint's model
answers for the arm the requester picks (ECO305, alerta oembed shape)."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator

import pytest

from corslint.frameworks.python_headers import respond
from corslint.http import Request
from tests.conftest import FIXTURES, policies_linted_inside

pytest.importorskip("flask")

PROJECT = FIXTURES / "flask" / "handwritten_embed_arm_chosen_by_query_url"
ATTACKER = "https://attacker.invalid"
CARD = "/embed.json?url=https%3A%2F%2Fstatus.example%2Fboard%2Fsummary%3Fteam%3Dops"


@pytest.fixture(autouse=True)
def _forget_fixture_modules() -> Iterator[None]:
    yield
    for name in [n for n in sys.modules if n.partition(".")[0] == "widgets"]:
        del sys.modules[name]


def test_the_chosen_arm_answers_like_the_running_view(monkeypatch: pytest.MonkeyPatch) -> None:
    (policy,) = policies_linted_inside(PROJECT, "flask_headers")
    monkeypatch.syspath_prepend(str(PROJECT))
    client = importlib.import_module("widgets.app").create_app().test_client()

    card = client.get(CARD, headers={"Origin": ATTACKER})
    other = client.get("/embed.json?url=https%3A%2F%2Fstatus.example%2Fhome", headers={"Origin": ATTACKER})
    assert (card.status_code, card.headers.get("Access-Control-Allow-Origin")) == (200, "*")
    assert other.status_code == 400 and "Access-Control-Allow-Origin" not in other.headers

    ours = respond(policy, Request("GET", ATTACKER, path="/embed.json"))
    assert ours.get("access-control-allow-origin") == card.headers.get("Access-Control-Allow-Origin")
