"""`extension = CORS()` bound in an app factory and applied by `extension.init_app(app)`
beside it (codeHawker/tweetscan server/create_app.py): the defaults echo every Origin.
Checked against the real Flask and Flask-CORS; corslint only reads the files."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator

import pytest

from corslint.http import Request
from tests.conftest import FIXTURES, policies_linted_inside, sole_policy_inside

PROJECT = FIXTURES / "flask" / "extension_bound_to_local_name"
REBOUND = FIXTURES / "flask" / "local_extension_rebound_clean"
ORIGINS = ("https://attacker.invalid", "http://192.168.1.20:8080", "null")


@pytest.fixture(autouse=True)
def _forget_fixture_modules() -> Iterator[None]:
    yield
    for name in [n for n in sys.modules if n.partition(".")[0] in {"stockroom", "binyard"}]:
        del sys.modules[name]


@pytest.mark.parametrize("profile", ["live", "workstation"])
def test_local_extension_answers_like_flask_cors(monkeypatch: pytest.MonkeyPatch, profile: str) -> None:
    from corslint.frameworks import frameworks

    policy = sole_policy_inside(PROJECT, "flask_cors")
    monkeypatch.setenv("STOCKROOM_PROFILE", profile)
    monkeypatch.syspath_prepend(str(PROJECT))
    client = importlib.import_module("stockroom").build().test_client()
    respond = frameworks()["flask_cors"].answering(policy)
    for origin in ORIGINS:
        real = client.get("/counts", headers={"Origin": origin})
        ours = respond(Request("GET", origin, path="/counts"))
        assert real.headers.get("Access-Control-Allow-Origin") == origin
        assert ours.get("access-control-allow-origin") == origin
        assert real.headers.get("Access-Control-Allow-Credentials") is None
        assert ours.get("access-control-allow-credentials") is None


def test_a_rebound_local_is_not_taken_for_the_extension(monkeypatch: pytest.MonkeyPatch) -> None:
    assert not [p for p in policies_linted_inside(REBOUND, "flask_cors") if not p.options.get("origins")]
    monkeypatch.syspath_prepend(str(REBOUND))
    client = importlib.import_module("binyard").build().test_client()
    answer = client.get("/bins", headers={"Origin": "https://attacker.invalid"})
    assert answer.headers.get("Access-Control-Allow-Origin") is None
