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
NAMED_LIKE_LIBRARY = FIXTURES / "flask" / "dead_wrapper_named_like_library"
NAMED_LIKE_LIBRARY_IMPORTED = FIXTURES / "flask" / "wrapper_named_like_library_imported"
SAME_NAME_ELSEWHERE = FIXTURES / "starlette" / "dead_helper_same_name_as_called_one"
RENAMED_IMPORT = FIXTURES / "starlette" / "helper_imported_under_another_name"


@pytest.fixture(autouse=True)
def _forget_fixture_modules() -> Iterator[None]:
    yield
    for name in [
        n for n in sys.modules if n.partition(".")[0] in {"radio", "quotes", "greenhouse", "kiosk", "ferry"}
    ]:
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


@pytest.mark.parametrize("imported", [False, True], ids=["library_CORS_called", "project_CORS_called"])
def test_wrapper_named_like_library_function(monkeypatch: pytest.MonkeyPatch, imported: bool) -> None:
    """`def CORS(app)` in the project: the app's `CORS(app, ...)` is the wrapper only when
    the app module imports the wrapper (census 6 R2); otherwise flask_cors's own runs."""
    folder = NAMED_LIKE_LIBRARY_IMPORTED if imported else NAMED_LIKE_LIBRARY
    (policy,) = policies_linted_inside(folder, "flask_cors")
    assert policy.location.path == ("greenhouse/legacy_cors.py" if imported else "greenhouse/__init__.py")
    monkeypatch.syspath_prepend(str(folder))
    importlib.import_module("greenhouse.legacy_cors")
    app = importlib.import_module("greenhouse").create_app()
    for origin in ("https://plants.example.org", "https://attacker.invalid"):
        answer = app.test_client().get("/api/beds", headers={"Origin": origin})
        allowed = answer.headers.get("Access-Control-Allow-Origin")
        credentials = answer.headers.get("Access-Control-Allow-Credentials")
        if imported:  # the wrapper: every Origin reflected with credentials
            assert (allowed, credentials) == (origin, "true")
        else:  # the app's allow-list, no credentials
            expected = origin if origin == "https://plants.example.org" else None
            assert (allowed, credentials) == (expected, None)


def test_dead_helper_named_like_the_called_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """main.py calls `setup_cors` imported from kiosk/web/cors.py; the same-named helper in
    kiosk/web/security.py (wildcard with credentials) never runs (census 7 C2)."""
    (policy,) = policies_linted_inside(SAME_NAME_ELSEWHERE, "starlette")
    assert policy.location.path == "kiosk/web/cors.py"
    monkeypatch.syspath_prepend(str(SAME_NAME_ELSEWHERE))
    app = importlib.import_module("kiosk.main").app
    client = TestClient(app)
    listed = client.get("/api/exhibits", headers={"Origin": "https://tickets.museum.example"})
    assert listed.headers.get("access-control-allow-origin") == "https://tickets.museum.example"
    other = client.get("/api/exhibits", headers={"Origin": "https://attacker.invalid"})
    assert "access-control-allow-origin" not in other.headers


def test_helper_imported_under_another_name_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """`from ferry.web.cors import setup_cors as install_cors; install_cors(app)`: the helper
    is called by its new name, so its layer is there."""
    (policy,) = policies_linted_inside(RENAMED_IMPORT, "starlette")
    assert policy.location.path == "ferry/web/cors.py"
    monkeypatch.syspath_prepend(str(RENAMED_IMPORT))
    app = importlib.import_module("ferry.main").app
    answer = TestClient(app).get("/api/crossings", headers={"Origin": "http://localhost:8100"})
    assert answer.headers.get("access-control-allow-origin") == "http://localhost:8100"
    assert answer.headers.get("access-control-allow-credentials") == "true"
