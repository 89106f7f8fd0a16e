"""aiohttp-cors defaults keyed by an origin the app's state holds (fixture
aiohttp_cors/app_state_origin_env_default, after toolen/passgen passgen/cors.py and
passgen/settings.py): one function stores `app["config"] = {"allowed_origin":
os.getenv("KIOSK_ALLOWED_ORIGIN", "*"), ...}`, another reads `app["config"]["allowed_origin"]`
as the `defaults` key.

The fixture's own `create_app()` is run with the real aiohttp and aiohttp-cors: with the
variable unset, every origin is answered with its own Origin and no credentials; with it
set, another origin gets no Allow-Origin. corslint resolves the stored state
(extractors/python/app_state.py) and judges the default: CORS105 "when KIOSK_ALLOWED_ORIGIN
is unset" (and CORS107: aiohttp-cors echoes the Origin with no `Vary`)."""

from __future__ import annotations

import asyncio
import importlib
import sys
from collections.abc import Iterator

import pytest

from tests.conftest import FIXTURES, run_lint

pytest.importorskip("aiohttp_cors")

from aiohttp.test_utils import TestClient, TestServer

PROJECT = FIXTURES / "aiohttp_cors" / "app_state_origin_env_default"
EVIL = "https://evil.example"
BOARD = "https://boards.example.org"


@pytest.fixture
def kiosk(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    monkeypatch.syspath_prepend(str(PROJECT))
    yield importlib.import_module("kiosk.app")
    for name in [n for n in sys.modules if n == "kiosk" or n.startswith("kiosk.")]:
        del sys.modules[name]


def _get(kiosk: object, origin: str) -> dict[str, str]:
    async def run() -> dict[str, str]:
        app = await kiosk.create_app()  # type: ignore[attr-defined]
        async with TestClient(TestServer(app)) as client:
            response = await client.get("/departures", headers={"Origin": origin})
            return {
                k.lower(): v for k, v in response.headers.items() if k.lower().startswith(("access-", "vary"))
            }

    return asyncio.run(run())


def test_unset_variable_lets_every_origin_read(kiosk: object, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KIOSK_ALLOWED_ORIGIN", raising=False)
    headers = _get(kiosk, EVIL)
    assert headers.get("access-control-allow-origin") == EVIL
    assert "access-control-allow-credentials" not in headers
    assert "vary" not in headers


def test_set_variable_admits_only_that_origin(kiosk: object, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIOSK_ALLOWED_ORIGIN", BOARD)
    assert "access-control-allow-origin" not in _get(kiosk, EVIL)
    assert _get(kiosk, BOARD).get("access-control-allow-origin") == BOARD


def test_corslint_judges_the_default() -> None:
    found = {(f.rule_id, f.location.line): f.message for f in run_lint(PROJECT).findings}
    assert set(found) == {("CORS105", 12), ("CORS107", 12)}
    assert "when KIOSK_ALLOWED_ORIGIN is unset" in found[("CORS105", 12)]
