"""Values read from a project's settings objects and config readers (PY6A), checked
against what the project's own code computes when it runs, and the result against the
real library. corslint only reads the files; the tests run them."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from corslint.model import CorsPolicy
from tests.conftest import FIXTURES, policies_linted_inside, run_lint

pytest.importorskip("pydantic_settings")
from starlette.applications import Starlette
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

ATTACKER = "https://attacker.invalid"


def _run(path: Path, name: str = "fixture_module") -> dict[str, Any]:
    namespace: dict[str, Any] = {"__name__": name}
    exec(compile(path.read_text(), str(path), "exec"), namespace)
    return namespace


def _options(policy: CorsPolicy) -> dict[str, Any]:
    return {name: value.plain() for name, value in policy.options.items()}


def _starlette(options: dict[str, Any]) -> TestClient:
    async def ok(request: object) -> PlainTextResponse:
        return PlainTextResponse("ok")

    inner = Starlette(routes=[Route("/{path:path}", ok)])
    return TestClient(CORSMiddleware(inner, **options))


def test_ini_reader_default_is_what_the_reader_returns(monkeypatch: pytest.MonkeyPatch) -> None:
    project = FIXTURES / "starlette" / "ini_reader_default_origins"
    (policy,) = policies_linted_inside(project, "starlette")
    ours = _options(policy)
    monkeypatch.chdir(project)
    config = _run(project / "sensord" / "settings_file.py")["SensordConfig"]()
    real = {
        "allow_origins": config.read_list("http", "allowed_origins", default=["*"]),
        "allow_credentials": config.read_flag("http", "allow_cookies", default=False),
        "allow_methods": ["GET"],
        "allow_headers": config.read_list("http", "allowed_headers", default=["*"]),
    }
    assert {k: list(v) if isinstance(v, tuple) else v for k, v in ours.items()} == real
    response = _starlette(real).get("/readings", headers={"Origin": ATTACKER})
    assert response.headers["access-control-allow-origin"] == "*"


def test_ini_reader_option_set_in_the_shipped_file_is_not_the_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    project = FIXTURES / "starlette" / "ini_reader_option_shipped"
    (policy,) = policies_linted_inside(project, "starlette")
    assert not policy.options["allow_origins"].known
    monkeypatch.chdir(project)
    config = _run(project / "gauge" / "config_file.py")["GaugeConfig"]()
    assert config.read_list("web", "allowed_origins", default=["*"]) != ["*"]


def test_fallback_settings_object_gives_the_same_origins(monkeypatch: pytest.MonkeyPatch) -> None:
    project = FIXTURES / "starlette" / "settings_fallback_object_in_except"
    (policy,) = policies_linted_inside(project, "starlette")
    ours = _options(policy)
    for variable in ("FRONTEND_ORIGINS", "CROSS_SITE_COOKIES", "COOKIES_ACROSS_SITES"):
        monkeypatch.delenv(variable, raising=False)
    source = project / "clinic" / "config" / "settings.py"
    first = _run(source)["settings"]
    # the `except` arm: the settings class refuses to build
    broken = source.read_text().replace(
        "settings = ClinicSettings()", "settings = ClinicSettings(clinic_name=object())"
    )
    namespace: dict[str, Any] = {"__name__": "broken"}
    exec(compile(broken, str(source), "exec"), namespace)
    fallback = namespace["settings"]
    assert type(fallback).__name__ == "BuiltinSettings"
    for made in (first, fallback):
        assert isinstance(made.frontend_origins, list)
        assert list(ours["allow_origins"]) == made.frontend_origins
        assert ours["allow_credentials"] == made.cookies_across_sites
    response = _starlette(ours | {"allow_origins": list(ours["allow_origins"])}).get(
        "/appointments", headers={"Origin": "http://localhost:5173"}
    )
    assert response.headers["access-control-allow-origin"] == "http://localhost:5173"
    assert response.headers["access-control-allow-credentials"] == "true"


def test_fallback_settings_that_disagree_stay_unknown() -> None:
    project = FIXTURES / "starlette" / "settings_fallback_object_disagrees"
    (policy,) = policies_linted_inside(project, "starlette")
    assert not policy.options["allow_origins"].known


def test_bare_flask_cors_extension_reflects_every_origin(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("flask_cors")
    project = FIXTURES / "flask" / "bare_extension_bound_in_factory"
    (policy,) = policies_linted_inside(project, "flask_cors")
    assert policy.location.path.endswith("notebook/plugins.py")
    monkeypatch.syspath_prepend(str(project))
    for name in [m for m in sys.modules if m == "notebook" or m.startswith("notebook.")]:
        monkeypatch.delitem(sys.modules, name)
    from notebook import create_app  # type: ignore[import-not-found]

    response = create_app().test_client().get("/api/pages", headers={"Origin": ATTACKER})
    assert response.headers["Access-Control-Allow-Origin"] == ATTACKER
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_named_setting_accessor_reads_the_field_default(monkeypatch: pytest.MonkeyPatch) -> None:
    project = FIXTURES / "starlette" / "settings_package_named_accessor"
    (policy,) = policies_linted_inside(project, "starlette")
    ours = _options(policy)
    for variable in ("ORBIT_API_CORS_ORIGINS", "ORBIT_CORS_ORIGINS", "ORBIT_API_CORS_METHODS"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.syspath_prepend(str(project))
    for name in [m for m in sys.modules if m == "orbit" or m.startswith("orbit.")]:
        monkeypatch.delitem(sys.modules, name)
    import orbit.settings  # type: ignore[import-not-found]

    real = {
        "allow_origins": orbit.settings.ORBIT_API_CORS_ORIGINS.value().split(","),
        "allow_methods": orbit.settings.ORBIT_API_CORS_METHODS.value().split(","),
    }
    assert {k: list(v) for k, v in ours.items()} == real
    response = _starlette(real).get("/jobs", headers={"Origin": ATTACKER})
    assert response.headers["access-control-allow-origin"] == "*"


def test_container_provided_settings_are_the_default_stage(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("dependency_injector")
    project = FIXTURES / "starlette" / "container_provided_settings"
    (policy,) = policies_linted_inside(project, "starlette")
    ours = _options(policy)
    for variable in ("STAGE", "CORS_ORIGINS_RAW", "SESSION_COOKIE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.syspath_prepend(str(project))
    for name in [m for m in sys.modules if m == "studio" or m.startswith("studio.")]:
        monkeypatch.delitem(sys.modules, name)
    from studio.app import make_app  # type: ignore[import-not-found]
    from studio.wiring.containers import Services  # type: ignore[import-not-found]

    assert list(ours["allow_origins"]) == Services().settings().cors_origins
    from fastapi.testclient import TestClient as FastApiClient

    response = FastApiClient(make_app()).get("/projects", headers={"Origin": ATTACKER})
    assert response.headers["access-control-allow-origin"] == ATTACKER
    assert response.headers["access-control-allow-credentials"] == "true"


def test_configparser_fallback_chooses_the_module_default(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("flask")
    project = FIXTURES / "python_headers" / "flask_ini_fallback_origins"
    monkeypatch.chdir(project)
    found = [f for f in run_lint(Path(".")).findings if f.rule_id == "CORS106"]
    # at the fallback's entry, naming where the fallback is chosen
    assert [(f.location.path, f.location.line) for f in found] == [("relay/cors.py", 4)]
    assert [(r.location.path, r.location.line) for r in found[0].related] == [("relay/cors.py", 11)]
    assert "[web] allowed_origins is unset" in found[0].message
    monkeypatch.syspath_prepend(str(project))
    for name in [m for m in sys.modules if m == "relay" or m.startswith("relay.")]:
        monkeypatch.delitem(sys.modules, name)
    from relay import create_app  # type: ignore[import-not-found]

    client = create_app(config_path=str(project / "missing.ini")).test_client()
    loopback = client.get("/api/messages", headers={"Origin": "http://localhost:5000"})
    assert loopback.headers["Access-Control-Allow-Origin"] == "http://localhost:5000"
    assert loopback.headers["Access-Control-Allow-Credentials"] == "true"
    refused = client.get("/api/messages", headers={"Origin": ATTACKER})
    assert "Access-Control-Allow-Origin" not in refused.headers
