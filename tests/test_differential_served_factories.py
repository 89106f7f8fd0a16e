"""Application factories nothing in the project calls (python.served_factories): the
servers build them themselves, with no arguments. The real uvicorn (`--factory`) and
Flask's own `flask --app` discovery load the fixtures' factories here; corslint, which only
reads the files, must resolve the options the parameter defaults give, and the answers the
apps send must be the ones its findings describe."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import FIXTURES, sole_policy_inside
from tests.test_differential_starlette import known_options

RELAY = FIXTURES / "starlette" / "uncalled_factory_parameter_defaults"
SIGNAGE = FIXTURES / "flask" / "uncalled_factory_origins_default"
KIOSK = FIXTURES / "python_headers" / "starlette_hook_in_uncalled_factory"


@pytest.fixture(autouse=True)
def _forget_fixture_modules() -> Iterator[None]:
    # before too: other fixtures have packages of the same names, which earlier tests import
    _forget()
    yield
    _forget()


def _forget() -> None:
    for name in [n for n in sys.modules if n.partition(".")[0] in {"relay", "signage", "kiosk"}]:
        del sys.modules[name]


def _served(uvicorn: Any, target: str) -> Any:
    config = uvicorn.Config(target, factory=True)
    config.load()
    app = config.loaded_app
    while not hasattr(app, "user_middleware"):  # uvicorn's own wrappers (proxy headers, ...)
        app = app.app
    return app


def _plain(value: Any) -> Any:
    return [_plain(item) for item in value] if isinstance(value, (list, tuple)) else value


def test_uvicorn_factory_mode_keeps_every_default(monkeypatch: pytest.MonkeyPatch) -> None:
    uvicorn = pytest.importorskip("uvicorn")
    from starlette.testclient import TestClient

    monkeypatch.syspath_prepend(str(RELAY))
    app = _served(uvicorn, "relay.server:create_app")
    real = [{k: _plain(v) for k, v in m.kwargs.items()} for m in app.user_middleware]
    ours = known_options(sole_policy_inside(RELAY, "starlette"))
    assert ours is not None
    assert real == [{k: _plain(v) for k, v in ours.items()}]
    answer = TestClient(app).get(
        "/messages", headers={"Origin": "https://attacker.invalid", "Cookie": "session=1"}
    )
    # CORS101: any Origin echoed with credentials while the factory keeps its defaults
    assert answer.headers["access-control-allow-origin"] == "https://attacker.invalid"
    assert answer.headers["access-control-allow-credentials"] == "true"


def test_flask_app_discovery_calls_the_factory_bare(monkeypatch: pytest.MonkeyPatch) -> None:
    from flask.cli import ScriptInfo

    monkeypatch.chdir(SIGNAGE)
    monkeypatch.syspath_prepend(str(SIGNAGE))
    app = ScriptInfo(app_import_path="signage").load_app()  # `flask --app signage run`
    policy = sole_policy_inside(SIGNAGE, "flask_cors")
    ours = [entry.raw for entry in policy.options["origins"].raw]
    assert ours == ["https://screens.example.net", "http://localhost:5173"]
    assert policy.options["supports_credentials"].raw is True
    client = app.test_client()
    for origin, allowed in (
        ("http://localhost:5173", True),  # CORS106: the dev server's origin, with cookies
        ("https://screens.example.net", True),
        ("https://attacker.invalid", False),
    ):
        answer = client.get("/playlists/3", headers={"Origin": origin})
        assert (answer.headers.get("Access-Control-Allow-Origin") == origin) is allowed
        if allowed:
            assert answer.headers.get("Access-Control-Allow-Credentials") == "true"


def test_hand_written_hook_of_a_served_factory(monkeypatch: pytest.MonkeyPatch) -> None:
    uvicorn = pytest.importorskip("uvicorn")
    from starlette.testclient import TestClient

    monkeypatch.syspath_prepend(str(KIOSK))
    client = TestClient(_served(uvicorn, "kiosk.api:build_api"))
    answer = client.get("/departures", headers={"Origin": "https://attacker.invalid"})
    assert answer.headers["access-control-allow-origin"] == "*"  # CORS105
    preflight = client.options(
        "/departures",
        headers={"Origin": "https://attacker.invalid", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.status_code == 405  # CORS206: the route answers OPTIONS itself
    written = sole_policy_inside(KIOSK, "starlette_headers").options
    for name in ("Access-Control-Allow-Origin", "Access-Control-Allow-Methods"):
        assert written[name].raw["value"].raw == answer.headers[name]  # both from the defaults
