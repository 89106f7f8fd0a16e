"""Settings made by a cached loader function and unpacked at module level (fixture
litestar/settings_loader_tuple_wildcard_credentials): what corslint reads for
`settings.app.CORS_ORIGINS`, checked against the real pydantic-settings running the
fixture's own settings module (corslint only reads it; the test runs it)."""

from __future__ import annotations

import importlib.util
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest

from corslint.runner.run import lint
from corslint.runner.settings import Settings
from tests.conftest import FIXTURES, run_lint

pytest.importorskip("pydantic_settings")

PROJECT = FIXTURES / "litestar" / "settings_loader_tuple_wildcard_credentials"


def load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[name]
    return module


def linted_origins(project: Path) -> tuple[list[object], str | None]:
    policy = next(p for p in run_lint(project).policies if p.framework == "litestar")
    value = policy.options["allow_origins"]
    return [entry.raw for entry in value.raw], value.env_var


def test_the_default_applies_unless_the_prefixed_variable_is_set(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env file here
    monkeypatch.delenv("BOARD_CORS_ORIGINS", raising=False)
    real = load(PROJECT / "board" / "lib" / "settings.py", "board_settings_unset")
    assert real.app.CORS_ORIGINS == ["*"]
    monkeypatch.setenv("BOARD_CORS_ORIGINS", '["https://board.example"]')
    overridden = load(PROJECT / "board" / "lib" / "settings.py", "board_settings_set")
    assert overridden.app.CORS_ORIGINS == ["https://board.example"]
    assert linted_origins(PROJECT) == (["*"], "BOARD_CORS_ORIGINS")


LOADER = """
from functools import lru_cache

from pydantic_settings import BaseSettings


class WebSettings(BaseSettings):
    ORIGINS: list[str] = ["*"]


@lru_cache
def load_settings():
    web = WebSettings.model_validate({"ORIGINS": ["https://given.example"]})
    return (web,)


(web,) = load_settings()
"""
APP = """
from litestar import Litestar
from litestar.config.cors import CORSConfig

from loader import web

app = Litestar(route_handlers=[], cors_config=CORSConfig(allow_origins=web.ORIGINS))
"""


def test_a_mapping_given_to_model_validate_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "loader.py").write_text(textwrap.dedent(LOADER))
    (tmp_path / "main.py").write_text(textwrap.dedent(APP))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ORIGINS", '["https://environment.example"]')
    real = load(tmp_path / "loader.py", "loader_given")
    assert real.web.ORIGINS == ["https://given.example"]
    policy = next(p for p in lint([tmp_path], Settings()).policies if p.framework == "litestar")
    assert [entry.raw for entry in policy.options["allow_origins"].raw] == ["https://given.example"]
