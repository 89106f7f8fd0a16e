"""The dotenv file a pydantic settings class names (`python.settings_dotenv`), checked
against the real pydantic-settings (and pydantic 1 through `pydantic.v1`): with the
variable unset, the app runs with the file's value, decoded and validated, not the
default. Files corslint leaves alone (templates, development files) leave the field as
the code says (its default, or unknown without one). corslint only reads the files."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest

from corslint.model import CorsPolicy
from tests.conftest import FIXTURES, run_lint, sole_policy_inside

pytest.importorskip("pydantic_settings")
pytest.importorskip("dotenv")

HEAD = (
    "from pydantic import field_validator\n"
    "from pydantic_settings import BaseSettings, SettingsConfigDict\n\n\n"
    "class AppSettings(BaseSettings):\n"
)
SPLIT = (
    '    @field_validator("CORS_ORIGINS", mode="before")\n'
    "    @classmethod\n"
    "    def split(cls, v):\n"
    "        if isinstance(v, str):\n"
    '            return [x.strip() for x in v.split(",") if x.strip()]\n'
    "        return v\n"
)
LOCAL = "http://localhost:3000"
# case -> (class body, files, origins pydantic-settings gives, or None: not read)
CASES: dict[str, tuple[str, dict[str, str], list[str] | None]] = {
    "json_list_over_empty_default": (
        '    model_config = SettingsConfigDict(env_file=".env")\n    CORS_ORIGINS: list[str] = []\n',
        {".env": f'CORS_ORIGINS=["{LOCAL}"]\n'},
        [LOCAL],
    ),
    "split_over_default_case_insensitive": (
        '    model_config = SettingsConfigDict(env_file=".env", extra="ignore")\n'
        '    CORS_ORIGINS: list[str] | str = "https://prod.example.com"\n' + SPLIT,
        {".env": f"cors_origins={LOCAL}, https://a.example.com\nOTHER=1\n"},
        [LOCAL, "https://a.example.com"],
    ),
    "later_file_wins": (
        '    model_config = SettingsConfigDict(env_file=(".env", "prod.env"))\n'
        "    CORS_ORIGINS: list[str] | str\n" + SPLIT,
        {".env": f"CORS_ORIGINS={LOCAL}\n", "prod.env": "CORS_ORIGINS=https://prod.example.com\n"},
        ["https://prod.example.com"],
    ),
    "prefixed_no_default": (
        '    model_config = SettingsConfigDict(env_file="app.env", env_prefix="SHOP_")\n'
        "    CORS_ORIGINS: list[str] | str\n" + SPLIT,
        {"app.env": f"SHOP_CORS_ORIGINS={LOCAL}\n"},
        [LOCAL],
    ),
    "template_not_read": (
        '    model_config = SettingsConfigDict(env_file=".env.example")\n'
        '    CORS_ORIGINS: list[str] = ["https://prod.example.com"]\n',
        {".env.example": f'CORS_ORIGINS=["{LOCAL}"]\n'},
        None,
    ),
    "development_file_not_read": (
        '    model_config = SettingsConfigDict(env_file=".env.local")\n'
        '    CORS_ORIGINS: list[str] = ["https://prod.example.com"]\n',
        {".env.local": f'CORS_ORIGINS=["{LOCAL}"]\n'},
        None,
    ),
}
MAIN = (
    "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n"
    "from settings import AppSettings\n\napp = FastAPI()\n"
    "app.add_middleware(CORSMiddleware, allow_origins=AppSettings().CORS_ORIGINS)\n"
)


def _origins(policy: CorsPolicy) -> Any:
    value = policy.options["allow_origins"]
    return list(value.plain()) if value.known else None


def _real(source: str) -> list[str]:
    namespace: dict[str, Any] = {}
    exec(compile(source, "settings.py", "exec", dont_inherit=True), namespace)
    return list(namespace["AppSettings"]().CORS_ORIGINS)


@pytest.mark.parametrize("case", sorted(CASES))
def test_settings_env_file_read_as_pydantic_settings_reads_it(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    body, files, expected = CASES[case]
    source = HEAD + body
    (in_tmp / "requirements.txt").write_text("fastapi\npydantic-settings\n")
    (in_tmp / "settings.py").write_text(source)
    (in_tmp / "main.py").write_text(MAIN)
    for name, text in files.items():
        (in_tmp / name).write_text(text)
    for variable in ("CORS_ORIGINS", "SHOP_CORS_ORIGINS"):
        monkeypatch.delenv(variable, raising=False)
    (policy,) = run_lint(Path(".")).policies
    if expected is None:  # a file corslint does not read: the default, as written
        assert _origins(policy) == ["https://prod.example.com"]
        return
    assert _real(source) == expected  # the real library, run where the app starts
    assert _origins(policy) == expected


def test_pydantic_1_config_env_file(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = (
        "from typing import List\nfrom pydantic import BaseSettings\n\n\n"
        "class AppSettings(BaseSettings):\n    CORS_ORIGINS: List[str] = []\n\n"
        '    class Config:\n        env_file = ".env"\n'
    )
    (in_tmp / "requirements.txt").write_text("fastapi\npydantic==1.10.13\n")
    (in_tmp / "settings.py").write_text(source)
    (in_tmp / "main.py").write_text(MAIN)
    (in_tmp / ".env").write_text(f'CORS_ORIGINS=["{LOCAL}"]\n')
    monkeypatch.delenv("CORS_ORIGINS", raising=False)
    (policy,) = run_lint(Path(".")).policies
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        real = _real(source.replace("from pydantic import", "from pydantic.v1 import"))
    assert _origins(policy) == real == [LOCAL]


def test_fixture_origins_are_what_the_settings_give(monkeypatch: pytest.MonkeyPatch) -> None:
    project = FIXTURES / "starlette" / "settings_env_file_over_default"
    policy = sole_policy_inside(project, "starlette")
    monkeypatch.chdir(project)
    monkeypatch.delenv("PORTAL_CORS_ORIGINS", raising=False)
    namespace: dict[str, Any] = {}
    path = project / "portal" / "settings.py"
    exec(compile(path.read_text(), str(path), "exec", dont_inherit=True), namespace)
    real = namespace["settings"].cors_origins
    assert _origins(policy) == real == ["https://portal.example.com", "http://localhost:8080"]

    from starlette.applications import Starlette
    from starlette.middleware.cors import CORSMiddleware
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient

    async def ok(request: object) -> PlainTextResponse:
        return PlainTextResponse("ok")

    options = {name: value.plain() for name, value in policy.options.items()}
    client = TestClient(CORSMiddleware(Starlette(routes=[Route("/{p:path}", ok)]), **options))
    answer = client.get("/profile", headers={"Origin": "http://localhost:8080"})
    assert answer.headers["access-control-allow-origin"] == "http://localhost:8080"
