"""Differential truth for Sanic Extensions configured through the app's own config
(`app.config.CORS_ORIGINS = ...` before `Extend(app)`, `app.config.update({...})` before
`app.extend(config=Config(...))`, keys read by Sanic's own extension at startup): each
fixture project's app is imported and served by the real sanic 25.12.1 + sanic-ext 25.12.0,
and every probe is compared with corslint's model of the policy it extracted from that
project. Keys written after `Extend` must not change what is sent.

Like tests/test_differential_sanic_ext.py, this runs only with sanic-ext on the path
(`PYTHONPATH=/tmp/sanic-ext`, see there): once importable, Sanic loads it into every app."""

from __future__ import annotations

import asyncio
import dataclasses
import importlib
import sys
from pathlib import Path
from typing import Any

import pytest

from corslint.frameworks.sanic_ext import respond
from corslint.http import Request
from corslint.model import CorsPolicy, Location, Route
from tests.conftest import FIXTURES, policies_linted_inside
from tests.probe_battery import battery, cors_headers

sanic = pytest.importorskip("sanic")
pytest.importorskip("sanic_ext")

LISTS = ("access-control-allow-headers", "access-control-allow-methods", "access-control-expose-headers")
HERE = Location.point("synthetic.py", 1)
# fixture project -> (module holding `app`, a path it serves, that path's methods)
PROJECTS = {
    "app_config_keys_before_extend": ("selfservice.boot", "/orders", ("POST",)),
    "app_config_overrides_config_keywords": ("ledger_service", "/balances/a1", ("PUT",)),
    "app_config_auto_extended": ("notes_server", "/notes", ("GET", "POST")),
    "app_config_keys_before_ext_access": ("subtitles", "/tracks/t1", ("DELETE",)),
    "app_config_arms_by_stage": ("board", "/cards/c1", ("PATCH",)),
    "extend_config_dict": ("relay", "/relay", ("POST",)),
    "route_decorator_any_origin": ("menu", "/api/dishes", ("GET",)),
}


OWN_MODULES = frozenset(
    {"selfservice", "ledger_service", "notes_server", "subtitles", "board", "relay", "menu"}
)


def served_app(project: Path, module_name: str) -> Any:
    sanic.Sanic.test_mode = True
    sys.path.insert(0, str(project))
    try:
        module = importlib.import_module(module_name)
        if module_name == "selfservice.boot":
            importlib.import_module("selfservice.routes")
        return module.app
    finally:
        sys.path.remove(str(project))
        for name in [n for n in sys.modules if n.partition(".")[0] in OWN_MODULES]:
            del sys.modules[name]


def send(app: Any, path: str, request: Request) -> tuple[int, dict[str, Any]]:
    headers = dict(request.headers)
    if request.origin is not None:
        headers["origin"] = request.origin
    if request.credentials:
        headers["cookie"] = "session=1"
    _, answer = asyncio.run(app.asgi_client.request(request.method, path, headers=headers))
    return answer.status, as_sets(cors_headers(list(answer.headers.items())))


def as_sets(headers: dict[str, str]) -> dict[str, Any]:
    return {
        name: frozenset(part.strip().lower() for part in value.split(",")) if name in LISTS else value
        for name, value in headers.items()
    }


def extracted(project: Path) -> CorsPolicy:
    [policy] = policies_linted_inside(project, "sanic_ext")
    return policy


@pytest.mark.parametrize("name", sorted(PROJECTS))
def test_model_matches_the_real_extension(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BOARD_STAGE", raising=False)
    project = FIXTURES / "sanic_ext" / name
    module_name, path, methods = PROJECTS[name]
    policy = extracted(project)
    assert all(value.known for value in policy.options.values())
    policy = dataclasses.replace(policy, routes=(Route(path, methods, HERE),), probe_path=path)
    app = served_app(project, module_name)
    requests = battery(policy, methods)
    assert len(requests) > 10
    for request in requests:
        if policy.route_level and request.method not in {*methods, "OPTIONS", "HEAD"}:
            continue  # no route matches (405): the app's own settings answer, not the handler's
        predicted = respond(policy, request)
        status, real = send(app, path, request)
        where = f"{request.method} Origin={request.origin} {dict(request.headers)} cred={request.credentials}"
        if predicted.status is not None:
            assert status == predicted.status, where
        assert real == as_sets(cors_headers(list(predicted.headers))), where


def test_a_key_written_after_extend_is_not_read() -> None:
    project = FIXTURES / "sanic_ext" / "app_config_keys_before_extend"
    app = served_app(project, "selfservice.boot")
    assert app.config.CORS_SUPPORTS_CREDENTIALS is True  # written, yet never read:
    _, real = send(app, "/menu", Request("GET", "https://shop.example.com"))
    assert real["access-control-allow-origin"] == "https://shop.example.com"
    assert "access-control-allow-credentials" not in real
    assert "CORS_SUPPORTS_CREDENTIALS" not in extracted(project).options


def test_keys_without_an_extension_are_only_noted() -> None:
    project = FIXTURES / "sanic_ext" / "app_config_keys_never_extended"
    assert policies_linted_inside(project, "sanic_ext") == []
