"""Differential truth for Tornado base handlers (fixture
python_headers/tornado_base_handler_default_headers, the shapes of pymedusa/Medusa's
APIv2 `BaseRequestHandler` and its web `Home.is_alive`): the fixture's own classes
served by a real Tornado 6, compared with corslint's model of what it extracted."""

from __future__ import annotations

import importlib
from typing import Any

import pytest

from corslint.frameworks.python_headers import respond
from corslint.http import Request
from corslint.model import CorsPolicy
from tests.conftest import FIXTURES, run_lint
from tests.probe_battery import cors_headers
from tests.python_apps import fixture_module, serve_tornado

tornado_web = pytest.importorskip("tornado.web")

PROJECT = FIXTURES / "python_headers" / "tornado_base_handler_default_headers"
ORIGINS = ["https://any-site.example", "null", None]


def fetch_all(requests: list[tuple[str, str, dict[str, str]]]) -> list[tuple[int, dict[str, str]]]:
    with fixture_module(PROJECT, "recorder.api.base", ("recorder",)) as base:
        handlers = base.RecordingsHandler
        pages = importlib.import_module("recorder.web.status").StatusPage
        app = tornado_web.Application([(r"/recordings", handlers), (r"/status/(.*)", pages)])
        return [(status, cors_headers(headers)) for status, headers in serve_tornado(app, requests)]


def policy_at(name: str) -> CorsPolicy:
    (policy,) = [p for p in run_lint(PROJECT).policies if p.location.path.endswith(name)]
    return policy


def modelled(policy: CorsPolicy, method: str, origin: str | None) -> dict[str, str]:
    return cors_headers(list(respond(policy, Request(method, origin, path="/")).headers))


def test_base_handler_and_page_helper_match_the_model() -> None:
    requests = [
        ("GET", path, {"Origin": o} if o else {})
        for path in ("/recordings", "/status/alive")
        for o in ORIGINS
    ]
    answers = fetch_all(requests)
    base, page = policy_at("api/base.py"), policy_at("web/status.py")
    for (method, path, headers), (status, sent) in zip(requests, answers, strict=True):
        policy = base if path == "/recordings" else page
        expected = modelled(policy, method, headers.get("Origin"))
        assert status == 200
        if path == "/recordings":
            # Allow-Methods is each handler's own (corslint: unknown, read on preflights only)
            sent.pop("access-control-allow-methods")
        assert sent == expected, (path, headers)


def test_options_is_answered_through_the_helpers_defaults() -> None:
    """`options()` -> `self._empty()` -> `self.reply(204)`: `error` keeps its default None,
    so the answer is 204 (corslint binds the defaults the call leaves)."""
    preflight = {"Origin": "https://any-site.example", "Access-Control-Request-Method": "POST"}
    ((status, sent),) = fetch_all([("OPTIONS", "/recordings", preflight)])
    assert status == 204 and sent["access-control-allow-origin"] == "*"
    answer: Any = policy_at("api/base.py").options["answer #2"].raw
    assert answer["status"].raw == 204
