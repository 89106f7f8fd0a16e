"""Which environment variable overrides a pydantic-settings default: the "(when X is
unset)" corslint writes, checked against the real pydantic-settings. corslint only reads
the class; the test runs it."""

from __future__ import annotations

import re
import textwrap
import warnings
from pathlib import Path
from typing import Any

import pytest

from corslint.runner.run import lint
from corslint.runner.settings import Settings

pydantic_settings = pytest.importorskip("pydantic_settings")

DEFAULT = '["http://localhost:3000"]'
CASES = {
    "plain": ("", f"cors_origins: list[str] = {DEFAULT}"),
    "env_prefix": (
        'model_config = SettingsConfigDict(env_prefix="APP_")',
        f"cors_origins: list[str] = {DEFAULT}",
    ),
    "case_sensitive": (
        'model_config = SettingsConfigDict(env_prefix="APP_", case_sensitive=True)',
        f"cors_origins: list[str] = {DEFAULT}",
    ),
    "dict_config": ('model_config = {"env_prefix": "SVC_"}', f"cors_origins: list[str] = {DEFAULT}"),
    "class_config": ('class Config:\n    env_prefix = "OLD_"', f"cors_origins: list[str] = {DEFAULT}"),
    "alias": (
        'model_config = SettingsConfigDict(env_prefix="APP_")',
        f'cors_origins: list[str] = Field({DEFAULT}, alias="ALLOWED_ORIGINS")',
    ),
    "validation_alias": ("", f'cors_origins: list[str] = Field({DEFAULT}, validation_alias="ORIGIN_LIST")'),
}


def source(config: str, field: str, inherited: bool) -> str:
    head = (
        "from pydantic import Field\n"
        "from pydantic_settings import BaseSettings, SettingsConfigDict\n\n"
        "PREFIX = 'unused'\n\n"
    )
    if inherited:  # the configuration on a base class, the field on its subclass
        return (
            head
            + "class Base(BaseSettings):\n"
            + textwrap.indent(config or "pass", "    ")
            + "\n\n\nclass AppSettings(Base):\n"
            + textwrap.indent(field, "    ")
            + "\n"
        )
    return head + "class AppSettings(BaseSettings):\n" + textwrap.indent(f"{config}\n{field}", "    ") + "\n"


@pytest.mark.parametrize("inherited", [False, True], ids=["own", "inherited"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_the_variable_named_is_the_one_pydantic_settings_reads(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch, case: str, inherited: bool
) -> None:
    settings_source = source(*CASES[case], inherited)
    (in_tmp / "settings.py").write_text(settings_source)
    (in_tmp / "main.py").write_text(
        "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n\n"
        "from settings import AppSettings\n\napp = FastAPI()\n"
        "app.add_middleware(CORSMiddleware, allow_origins=AppSettings().cors_origins)\n"
    )
    (found,) = [f for f in lint([Path(".")], Settings()).findings if f.rule_id == "CORS106"]
    match = re.search(r"\(when (\S+) is unset\)", found.message)
    assert match, found.message
    variable = match.group(1)

    namespace: dict[str, Any] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # class Config is deprecated in pydantic 2
        exec(compile(settings_source, "settings.py", "exec"), namespace)
        app_settings = namespace["AppSettings"]
        assert app_settings().cors_origins == ["http://localhost:3000"]  # unset: the default
        monkeypatch.setenv(variable, '["https://app.example.com"]')
        assert app_settings().cors_origins == ["https://app.example.com"], variable
