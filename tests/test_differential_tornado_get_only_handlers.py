"""Differential truth for Tornado handlers that serve GET alone (fixture
python_headers/tornado_get_only_handlers, the shape of streamlit's media and stats
handlers): a real Tornado 6 refuses every other verb with 405, so such a handler serves no
request a preflight would stop, and CORS206 stays quiet unless it takes an Authorization
header; a handler that also takes JSON POSTs is reported."""

from __future__ import annotations

import pytest

from corslint.model import CorsPolicy
from tests.conftest import FIXTURES, run_lint
from tests.probe_battery import cors_headers
from tests.python_apps import fixture_module, serve_tornado

tornado_web = pytest.importorskip("tornado.web")

PROJECT = FIXTURES / "python_headers" / "tornado_get_only_handlers"
PAGE = {"Origin": "https://widgets.example"}


def answers(path: str, methods: tuple[str, ...]) -> dict[str, tuple[int, dict[str, str]]]:
    with fixture_module(PROJECT, "gauge.server", ("gauge",)) as server:
        sent = serve_tornado(server.make_app(), [(method, path, PAGE) for method in methods])
    return {
        method: (status, cors_headers(headers))
        for method, (status, headers) in zip(methods, sent, strict=True)
    }


def policy_of(handler: str) -> CorsPolicy:
    (policy,) = [p for p in run_lint(PROJECT).policies if p.label.endswith(f" {handler})")]
    return policy


def test_the_get_only_handler_refuses_every_other_verb() -> None:
    got = answers("/counters", ("GET", "POST", "PUT", "DELETE", "OPTIONS"))
    assert got["GET"] == (200, {"access-control-allow-origin": "*"})
    assert {got[m][0] for m in ("POST", "PUT", "DELETE")} == {405}
    assert got["OPTIONS"][0] == 204
    assert "reads-only" in {e.kind for e in policy_of("CountersHandler").evidence}


def test_the_handler_taking_json_posts_serves_them() -> None:
    got = answers("/annotations", ("GET", "POST"))
    assert got["POST"][0] == 200 and got["POST"][1]["access-control-allow-origin"] == "*"
    assert "reads-only" not in {e.kind for e in policy_of("AnnotationsHandler").evidence}


def test_the_static_handler_refuses_writes() -> None:
    got = answers("/snapshots/missing.png", ("POST", "PUT"))
    assert {status for status, _ in got.values()} == {405}
    assert "reads-only" in {e.kind for e in policy_of("SnapshotFileHandler").evidence}
