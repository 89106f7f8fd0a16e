"""Differential truth for a header written unless the operator's Tornado settings give it
(fixture python_headers/tornado_header_unless_operator_setting, jupyterhub's
RootAPIHandler shape), on the real Tornado 6: without `headers` in the application's
settings the handler sends `*`, with them the operator's value alone. corslint judges the
first case and says so ("when self.settings['headers'] is unset"); tests/test_python_headers.py
replays the probe battery against the default application."""

from __future__ import annotations

import asyncio
import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import FIXTURES, run_lint

tornado_web = pytest.importorskip("tornado.web")

PROJECT = FIXTURES / "python_headers" / "tornado_header_unless_operator_setting"
PAGE = "https://any-site.example"


def fixture_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("status_api_fixture", PROJECT / "status_api.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def allow_origin(operator_headers: dict[str, str] | None) -> list[str]:
    from tornado.httpclient import AsyncHTTPClient
    from tornado.httpserver import HTTPServer
    from tornado.netutil import bind_sockets

    app = fixture_module().make_app(operator_headers)
    sockets = bind_sockets(0, "127.0.0.1")
    port = sockets[0].getsockname()[1]

    async def run() -> list[str]:
        server = HTTPServer(app)
        server.add_sockets(sockets)
        try:
            answer = await AsyncHTTPClient().fetch(
                f"http://127.0.0.1:{port}/api/status", headers={"Origin": PAGE}, raise_error=False
            )
            return answer.headers.get_list("Access-Control-Allow-Origin")
        finally:
            server.stop()

    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(run())
    finally:
        loop.close()


def test_the_default_branch_runs_unless_the_operator_sets_the_header() -> None:
    assert allow_origin(None) == ["*"]
    assert allow_origin({"Access-Control-Allow-Origin": "https://ops.example"}) == ["https://ops.example"]


def test_corslint_judges_the_default_and_names_the_setting() -> None:
    (finding,) = run_lint(PROJECT).findings
    assert finding.rule_id == "CORS105"
    assert Path(finding.location.path).name == "status_api.py" and finding.location.line == 16
    assert finding.message.endswith("(when self.settings['headers'] is unset)")
