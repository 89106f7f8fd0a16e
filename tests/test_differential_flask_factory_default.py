"""`app.config.from_object(profiles[profile])` in an app factory nothing in the project
calls (`python.uncalled_defaults`): `flask --app kiosk run` and gunicorn's
"kiosk:create_app()" call it with no argument, so the parameter's default picks the
config class. Checked against the real Flask and Flask-CORS; corslint only reads the files."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator

import pytest

from tests.conftest import FIXTURES, sole_policy_inside

PROJECT = FIXTURES / "flask" / "config_selected_by_factory_default"


@pytest.fixture(autouse=True)
def _forget_fixture_modules() -> Iterator[None]:
    yield
    for name in [n for n in sys.modules if n.partition(".")[0] == "kiosk"]:
        del sys.modules[name]


def test_factory_called_without_arguments_loads_the_default_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    policy = sole_policy_inside(PROJECT, "flask_cors")
    ours = [entry.raw for entry in policy.options["origins"].raw]
    monkeypatch.syspath_prepend(str(PROJECT))
    app = importlib.import_module("kiosk").create_app()
    assert ours == app.config["CORS_ORIGINS"] == ["https://kiosk.example.com", "http://kiosk.example.com"]
    client = app.test_client()
    for origin, allowed in (
        ("http://kiosk.example.com", True),
        ("https://staging.kiosk.example.com", False),
        ("https://attacker.invalid", False),
    ):
        answer = client.get("/screens", headers={"Origin": origin})
        assert (answer.headers.get("Access-Control-Allow-Origin") == origin) is allowed
        if allowed:
            assert answer.headers.get("Access-Control-Allow-Credentials") == "true"
