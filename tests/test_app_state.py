"""aiohttp app state stored in one module and read in another (extractors/python/app_state.py):
resolved only when one store binds it and nothing else writes into it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from corslint.extractors.python import PythonProject
from corslint.extractors.python.app_state import stored_state

READER = 'def enable(app):\n    origin = app["config"]["origin"]\n    return {origin: 1}\n'
STORE = (
    "import os\n"
    "def load(app, overrides=None):\n"
    '    app["config"] = {"origin": os.getenv("ORIGIN", "*")}\n'
    "{extra}"
)


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def _read(tmp_path: Path, extra: str) -> object:
    (tmp_path / "requirements.txt").write_text("aiohttp\n")
    (tmp_path / "config.py").write_text(STORE.replace("{extra}", extra))
    (tmp_path / "cors.py").write_text(READER)
    module = PythonProject().module_at(Path("cors.py"), "cors.py")
    assert module is not None
    key = next(n for n in ast.walk(module.tree) if isinstance(n, ast.Dict)).keys[0]
    assert key is not None
    value = stored_state(module, key, {})
    return None if value is None else (value.raw, value.env_var)


def test_one_store_with_caller_overrides(tmp_path: Path) -> None:
    extra = '    if overrides:\n        app["config"].update(overrides)\n'
    assert _read(tmp_path, extra) == ("*", "ORIGIN")


def test_an_item_written_elsewhere_is_not_guessed(tmp_path: Path) -> None:
    assert _read(tmp_path, '    app["config"]["origin"] = "https://a.example"\n') is None


def test_a_second_store_is_not_guessed(tmp_path: Path) -> None:
    assert _read(tmp_path, '    app["config"] = {"origin": "https://a.example"}\n') is None
