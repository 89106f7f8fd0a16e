"""`app.config.from_envvar(NAME)` without `silent=True`: the real app does not start while
NAME is unset, and with it set Flask-CORS answers as the named file says, which corslint
cannot read (CORS305 rather than the defaults)."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, run_lint

PROJECT = FIXTURES / "flask" / "config_from_envvar_required"


@pytest.fixture(autouse=True)
def _forget_fixture_modules() -> Iterator[None]:
    yield
    for name in [n for n in sys.modules if n.partition(".")[0] == "bakery"]:
        del sys.modules[name]


def test_required_settings_file_decides_the_policy(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (finding,) = run_lint(PROJECT).findings
    assert finding.rule_id == "CORS305"
    monkeypatch.syspath_prepend(str(PROJECT))
    monkeypatch.delenv("BAKERY_SETTINGS", raising=False)
    with pytest.raises(RuntimeError):
        importlib.import_module("bakery").create_app()
    settings = tmp_path / "bakery.cfg"
    settings.write_text('CORS_ORIGINS = ["https://shop.example.com"]\n')
    monkeypatch.setenv("BAKERY_SETTINGS", str(settings))
    client = importlib.import_module("bakery").create_app().test_client()
    for origin, allowed in (("https://shop.example.com", True), ("https://attacker.invalid", False)):
        answer = client.get("/orders/1", headers={"Origin": origin})
        assert (answer.headers.get("Access-Control-Allow-Origin") == origin) is allowed
        if allowed:  # CORS_SUPPORTS_CREDENTIALS from the default module still applies
            assert answer.headers.get("Access-Control-Allow-Credentials") == "true"
