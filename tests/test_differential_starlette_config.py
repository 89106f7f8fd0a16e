"""Starlette's `Config` reader and a function's raise-only guards, resolved by corslint and
run by Python: each name corslint resolves holds what the module computes with none of
its variables set (starlette.config.Config: environment, env file, then the default passed
through `cast`)."""

from __future__ import annotations

import ast
import importlib
import sys
from pathlib import Path
from typing import Any

import pytest

from corslint.extractors.context import ProjectContext
from corslint.model import UnresolvedValueError
from tests.conftest import FIXTURES, run_lint

MODULE = """
import sys

from starlette.config import Config
from starlette.datastructures import CommaSeparatedStrings

config = Config()
prefixed = Config(env_prefix="SHOP_")

DEBUG = config("DEBUG", cast=bool, default="TRUE")
QUIET = config("QUIET", bool, "0")
HOSTS = config("HOSTS", cast=CommaSeparatedStrings, default=" https://a.example , http://localhost:3000,,")
LISTED = config("LISTED", cast=CommaSeparatedStrings, default=["*"])
PLAIN = config("PLAIN", default="https://shop.example")
NONE = config("NONE", cast=bool, default=None)
ORIGIN = prefixed("ORIGIN", default="*")


def origins():
    if len(sys.argv) > 9 and not HOSTS:  # undecidable statically: only raises
        raise RuntimeError("list the production origins")
    return HOSTS


CHECKED = origins()
"""
NAMES = ("DEBUG", "QUIET", "HOSTS", "LISTED", "PLAIN", "NONE", "ORIGIN", "CHECKED")
UNKNOWN = ("LATER",)  # cast by a function corslint does not run


def _plain(value: Any) -> Any:
    if isinstance(value, (list, tuple)) or type(value).__name__ == "CommaSeparatedStrings":
        return [_plain(item) for item in value]
    return value


@pytest.fixture
def module_path(tmp_path: Path) -> Path:
    path = tmp_path / "shop_settings.py"
    path.write_text(MODULE + 'LATER = config("LATER", cast=int, default="7")\n')
    return path


def test_resolved_values_are_what_the_module_computes(
    module_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in (*NAMES, *UNKNOWN, "SHOP_ORIGIN", "SHOP_PLAIN"):
        monkeypatch.delenv(name, raising=False)
    namespace: dict[str, Any] = {"__name__": "shop_settings"}
    exec(compile(module_path.read_text(), str(module_path), "exec"), namespace)
    module = ProjectContext().python.parse(str(module_path), module_path.read_text())
    bound = {
        node.targets[0].id: node.value
        for node in module.tree.body
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
    }
    for name in NAMES:
        ours = module.resolve(bound[name])
        assert _plain(ours.plain()) == _plain(namespace[name]), name
    assert module.resolve(bound["ORIGIN"]).env_vars == ("SHOP_ORIGIN",)
    for name in UNKNOWN:
        with pytest.raises(UnresolvedValueError):
            module.resolve(bound[name]).plain()


def test_splatted_layer_set_under_debug_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    """`if debug: layer["allow_origins"] = ["*"]` with debug from `config(..., default="true")`:
    the `*` holds only while LEDGERLY_DEBUG is unset (census 6 P25), as the real app shows."""
    project = FIXTURES / "starlette" / "splatted_options_name_the_class"
    (finding,) = [f for f in run_lint(project).findings if f.rule_id == "CORS105"]
    assert finding.message.endswith("(when LEDGERLY_DEBUG is unset)")
    monkeypatch.syspath_prepend(str(project))
    for debug, wildcard in ((None, True), ("false", False)):
        if debug is None:
            monkeypatch.delenv("LEDGERLY_DEBUG", raising=False)
        else:
            monkeypatch.setenv("LEDGERLY_DEBUG", debug)
        for name in [n for n in sys.modules if n.partition(".")[0] == "ledgerly"]:
            del sys.modules[name]
        (layer,) = importlib.import_module("ledgerly.main").app.user_middleware
        assert ("allow_origins" in layer.kwargs) is wildcard
    for name in [n for n in sys.modules if n.partition(".")[0] == "ledgerly"]:
        del sys.modules[name]


VALIDATED = """
from pydantic import ValidationInfo, field_validator
from pydantic_settings import BaseSettings


class PortalSettings(BaseSettings):
    ORIGINS_OVERRIDE: str = ""
    ORIGINS: list[str] = ["https://portal.example.com", "http://localhost:5173"]
    TEXT_ORIGINS: list[str] | str = "https://a.example.com, http://localhost:3000"

    @field_validator("ORIGINS", mode="after")
    @classmethod
    def _override(cls, value, info: ValidationInfo):
        override = info.data.get("ORIGINS_OVERRIDE", "")
        if override and override.strip():
            return [o.strip() for o in override.split(",")]
        return value

    @field_validator("TEXT_ORIGINS", mode="before")
    @classmethod
    def _split(cls, value):
        if isinstance(value, str) and not value.startswith("["):
            return [o.strip() for o in value.split(",")]
        return value


settings = PortalSettings()
ORIGINS = settings.ORIGINS
TEXT_ORIGINS = settings.TEXT_ORIGINS
"""


def test_settings_validators_run_over_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Field validators (`info.data` included) over pydantic-settings defaults, as pydantic
    runs them (settings validate their defaults)."""
    pytest.importorskip("pydantic_settings")
    for name in ("ORIGINS_OVERRIDE", "ORIGINS", "TEXT_ORIGINS"):
        monkeypatch.delenv(name, raising=False)
    path = tmp_path / "portal_settings.py"
    path.write_text(VALIDATED)
    namespace: dict[str, Any] = {"__name__": "portal_settings"}
    exec(compile(VALIDATED, str(path), "exec"), namespace)
    module = ProjectContext().python.parse(str(path), VALIDATED)
    bound = {
        node.targets[0].id: node.value
        for node in module.tree.body
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
    }
    for name in ("ORIGINS", "TEXT_ORIGINS"):
        assert _plain(module.resolve(bound[name]).plain()) == _plain(namespace[name]), name
