"""Variables a project's docker-compose service sets, read where the code names no default
(`python.compose_env`, `python.settings_env`): the service's environment is made as
compose makes it (its env files read with python-dotenv, then `environment:`), the
project's own code runs with it under the real pydantic-settings, pydantic 1
(`pydantic.v1`) or Flask-CORS, and the result is checked against what corslint extracted
and against the real library's answers. corslint only reads the files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from corslint.model import CorsPolicy
from tests.conftest import FIXTURES, sole_policy_inside

pytest.importorskip("dotenv")
pytest.importorskip("pydantic_settings")
from dotenv import dotenv_values
from starlette.applications import Starlette
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

ATTACKER = "https://attacker.invalid"


def service_environment(project: Path, service: str) -> dict[str, str]:
    """The service's variables: env files in order (a later one wins), then `environment:`."""
    compose = yaml.safe_load((project / "docker-compose.yml").read_text())["services"][service]
    env: dict[str, str] = {}
    files = compose.get("env_file", [])
    for name in [files] if isinstance(files, str) else files:
        env.update({k: v for k, v in dotenv_values(project / name).items() if v is not None})
    environment = compose.get("environment", {})
    if isinstance(environment, list):
        environment = dict(item.split("=", 1) for item in environment)
    env.update({k: str(v) for k, v in environment.items()})
    return env


def run_module(path: Path, replace: tuple[str, str] | None = None) -> dict[str, Any]:
    source = path.read_text()
    if replace is not None:
        source = source.replace(*replace)
    namespace: dict[str, Any] = {"__name__": "fixture_module"}
    exec(compile(source, str(path), "exec", dont_inherit=True), namespace)
    return namespace


def options(policy: CorsPolicy) -> dict[str, Any]:
    return {name: value.plain() for name, value in policy.options.items()}


def starlette_allows(options: dict[str, Any], origin: str) -> bool:
    async def ok(request: object) -> PlainTextResponse:
        return PlainTextResponse("ok")

    client = TestClient(CORSMiddleware(Starlette(routes=[Route("/{path:path}", ok)]), **options))
    answer = client.get("/anything", headers={"Origin": origin})
    return answer.headers.get("access-control-allow-origin") in {origin, "*"}


def test_pydantic_settings_field_from_the_service_env_files(monkeypatch: pytest.MonkeyPatch) -> None:
    project = FIXTURES / "starlette" / "compose_env_file_origins"
    ours = options(sole_policy_inside(project, "starlette"))
    for name, value in service_environment(project, "api").items():
        monkeypatch.setenv(name, value)
    settings = run_module(project / "api" / "notes" / "settings.py")["settings"]
    assert list(ours["allow_origins"]) == settings.allowed_origins
    assert settings.allowed_origins == ["https://notes.example.com", "http://localhost:4200"]
    real = {**ours, "allow_origins": settings.allowed_origins}
    assert starlette_allows(real, "http://localhost:4200")
    assert not starlette_allows(real, ATTACKER)


def test_pydantic_1_parse_env_var_splits_the_service_value(monkeypatch: pytest.MonkeyPatch) -> None:
    project = FIXTURES / "starlette" / "compose_env_parse_env_var"
    ours = options(sole_policy_inside(project, "starlette"))
    for name, value in service_environment(project, "tracker").items():
        monkeypatch.setenv(name, value)
    pydantic_v1 = ("from pydantic import BaseSettings", "from pydantic.v1 import BaseSettings")
    config = run_module(project / "tracker" / "config.py", pydantic_v1)["config"]
    assert (
        list(ours["allow_origins"])
        == config.TRACKER_ORIGINS
        == [
            "https://tracker.example.com",
            "http://localhost:8081",
        ]
    )
    assert starlette_allows({**ours, "allow_origins": config.TRACKER_ORIGINS}, "http://localhost:8081")


def test_pydantic_1_without_parse_env_var_refuses_text_that_is_not_json(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The reason corslint leaves such a list field unknown: pydantic 1 does not start."""
    from pydantic.v1 import BaseSettings
    from pydantic.v1.env_settings import SettingsError

    class Plain(BaseSettings):
        ORIGINS: list[str]

    monkeypatch.setenv("ORIGINS", "https://a.example.com|http://localhost:8081")
    with pytest.raises(SettingsError):
        Plain()


def test_flask_cors_reads_the_service_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    project = FIXTURES / "flask" / "compose_environment_origins"
    ours = options(sole_policy_inside(project, "flask_cors"))
    for name, value in service_environment(project, "shop").items():
        monkeypatch.setenv(name, value)
    monkeypatch.syspath_prepend(str(project / "shop"))
    app = run_module(project / "shop" / "app.py")["app"]
    client = app.test_client()
    expected = service_environment(project, "shop")["SHOP_ORIGINS"].split(",")
    assert list(ours["origins"]) == expected
    for origin, allowed in (
        ("http://127.0.0.1:8000", True),
        ("https://shop.example.com", True),
        (ATTACKER, False),
    ):
        answer = client.get("/cart", headers={"Origin": origin})
        assert (answer.headers.get("Access-Control-Allow-Origin") == origin) is allowed
