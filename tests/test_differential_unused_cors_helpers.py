"""A CORS helper that receives the app but that nothing calls adds no layer (census 6 P1):
the fixtures' real apps answer the helper's origin with no CORS headers, and corslint
reads no policy from the helpers."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from tests.conftest import FIXTURES, policies_linted_inside

STARLETTE = FIXTURES / "starlette" / "unused_cors_helper_beside_app_layer"
FLASK = FIXTURES / "flask" / "unused_cors_helper"


@pytest.fixture(autouse=True)
def _forget_fixture_modules() -> Iterator[None]:
    yield
    for name in [n for n in sys.modules if n.partition(".")[0] in {"radio", "quotes"}]:
        del sys.modules[name]


def test_uncalled_starlette_helper_adds_no_layer(monkeypatch: pytest.MonkeyPatch) -> None:
    (policy,) = policies_linted_inside(STARLETTE, "starlette")
    assert policy.location.path == "radio/main.py"
    monkeypatch.syspath_prepend(str(STARLETTE))
    importlib.import_module("radio.web")  # the helper's package is imported, as the app's code may
    app = importlib.import_module("radio.main").app
    answer = TestClient(app).get("/shows", headers={"Origin": "http://localhost:8030"})
    assert "access-control-allow-origin" not in answer.headers


def test_uncalled_flask_helper_adds_no_layer(monkeypatch: pytest.MonkeyPatch) -> None:
    assert policies_linted_inside(FLASK, "flask_cors") == []
    monkeypatch.syspath_prepend(str(FLASK))
    importlib.import_module("quotes.cors")
    app = importlib.import_module("quotes").app
    answer = app.test_client().get("/api/quotes", headers={"Origin": "https://attacker.invalid"})
    assert "Access-Control-Allow-Origin" not in answer.headers
