"""Origins added by a project helper that fills the list it is handed: corslint's
allow-list is the one the fixture's own builder returns, and Starlette answers so."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from tests.conftest import FIXTURES, policies_linted_inside

PROJECT = FIXTURES / "starlette" / "origins_filled_by_helper"


@pytest.fixture(autouse=True)
def _forget_fixture_modules() -> Iterator[None]:
    yield
    for name in [n for n in sys.modules if n.partition(".")[0] == "kiosk"]:
        del sys.modules[name]


def test_helper_filled_origins_match_the_running_app(monkeypatch: pytest.MonkeyPatch) -> None:
    (policy,) = policies_linted_inside(PROJECT, "starlette")
    ours = list(policy.options["allow_origins"].plain())
    monkeypatch.delenv("KIOSK_EXTRA", raising=False)
    monkeypatch.syspath_prepend(str(PROJECT))
    for name in [n for n in sys.modules if n.partition(".")[0] == "kiosk"]:
        monkeypatch.delitem(sys.modules, name)
    from kiosk.app import app, kiosk_origins  # type: ignore[import-not-found]

    assert ours == kiosk_origins()
    client = TestClient(app)
    for origin in [*ours, "http://localhost:9000", "https://attacker.invalid"]:
        answer = client.get("/queue", headers={"Origin": origin})
        allowed = answer.headers.get("access-control-allow-origin") == origin
        assert allowed is (origin in ours), origin
        if allowed:
            assert answer.headers["access-control-allow-credentials"] == "true"
