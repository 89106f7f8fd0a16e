"""Differential truth for a Tornado base handler whose subclass, in another module, serves
PUT and DELETE (fixture python_headers/tornado_base_handler_subclass_verbs_elsewhere; the
shape of Lucasbrunoferreira/python-tornado-api-rest handlers/base.py and users.py). The
fixture's own classes served by a real Tornado 6: the preflight gets 405 (no `options()`,
CORS206), and the Allow-Methods the base writes on every answer lacks PUT and DELETE, so
they would still fail once preflights are answered (CORS202)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FIXTURES, run_lint
from tests.probe_battery import cors_headers
from tests.python_apps import fixture_module, serve_tornado

tornado_web = pytest.importorskip("tornado.web")

PROJECT = FIXTURES / "python_headers" / "tornado_base_handler_subclass_verbs_elsewhere"


def fetch(requests: list[tuple[str, str, dict[str, str]]]) -> list[tuple[int, dict[str, str]]]:
    with fixture_module(PROJECT, "inventory.server", ("inventory",)) as server:
        app = server.make_app()
        return [(status, cors_headers(headers)) for status, headers in serve_tornado(app, requests)]


def test_real_tornado_refuses_the_preflight_and_lists_no_put() -> None:
    preflight = {"Origin": "https://shop.example", "Access-Control-Request-Method": "PUT"}
    (options, simple) = fetch(
        [("OPTIONS", "/items/bolts", preflight), ("GET", "/items/bolts", {"Origin": "https://shop.example"})]
    )
    assert options[0] == 405
    assert simple[0] == 200
    listed = {m.strip() for m in simple[1]["access-control-allow-methods"].split(",")}
    assert listed == {"GET", "POST"}


def test_corslint_reads_the_subclass_verbs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(PROJECT)
    result = run_lint(Path("."))
    found = sorted((f.rule_id, f.location.line) for f in result.findings)
    assert found == [("CORS105", 8), ("CORS202", 10), ("CORS206", 8)]
    (policy,) = result.policies
    assert policy.routes is not None
    assert sorted(m for r in policy.routes for m in r.methods) == ["DELETE", "GET", "PUT"]
