"""Differential: `@cross_origin()` above a Flask-HTTPAuth callback registrar adds no CORS
headers (the extension keeps the unwrapped function), which is why corslint reads no policy
there; on a view it does answer (corslint's CORS105 on `/status`)."""

from __future__ import annotations

import base64
import importlib
import sys
from pathlib import Path

import pytest

from tests.conftest import run_lint

pytest.importorskip("flask_httpauth")

FIXTURE = Path(__file__).parent / "fixtures" / "flask" / "cross_origin_on_auth_callbacks"
STRANGER = "https://stranger.example.com"


@pytest.fixture()
def client(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.syspath_prepend(str(FIXTURE))
    for name in [n for n in sys.modules if n == "pantry" or n.startswith("pantry.")]:
        del sys.modules[name]
    app = importlib.import_module("pantry.app").app  # the fixture's own app, on the real libraries

    yield app.test_client()
    for name in [n for n in sys.modules if n == "pantry" or n.startswith("pantry.")]:
        del sys.modules[name]


def test_callbacks_send_no_headers_to_a_stranger(client) -> None:  # type: ignore[no-untyped-def]
    wrong = base64.b64encode(b"ada:wrong").decode()
    responses = [
        client.get("/api/shelves", headers={"Origin": STRANGER, "Authorization": "Bearer nope"}),
        client.get("/api/shelves", headers={"Origin": STRANGER, "Authorization": "Bearer s3cret-token"}),
        client.post("/api/tokens", headers={"Origin": STRANGER, "Authorization": f"Basic {wrong}"}),
    ]
    assert [r.status_code for r in responses] == [401, 200, 401]
    assert all("Access-Control-Allow-Origin" not in r.headers for r in responses)
    status = client.get("/status", headers={"Origin": STRANGER})
    assert status.headers.get("Access-Control-Allow-Origin") in (STRANGER, "*")


def test_corslint_reads_only_the_extension_and_the_view() -> None:
    result = run_lint(FIXTURE)
    lines = sorted(p.location.line for p in result.policies if p.framework == "flask_cors")
    assert lines == [7, 25]
