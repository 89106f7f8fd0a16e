"""Differential truth for Tornado handlers that serve GET alone but allow a request header
pages only send after a preflight (fixture python_headers/
tornado_get_only_base_allows_custom_header; the shape of Gale422/PracticeApp src/main/
routes/controller.py, a `BaseHandler` allowing `x-requested-with`). A real Tornado 6
answers the preflight of such a GET with 405, the CORS headers of `set_default_headers`
notwithstanding: the browser refuses it, so CORS206. A handler allowing only headers that
need no preflight stays quiet (its GETs are never preflighted)."""

from __future__ import annotations

import pytest

from corslint.browser import PageRequest, fetch
from corslint.http import Response
from tests.conftest import FIXTURES, run_lint
from tests.python_apps import fixture_module, serve_tornado

tornado_web = pytest.importorskip("tornado.web")

PROJECT = FIXTURES / "python_headers" / "tornado_get_only_base_allows_custom_header"
FRONT = "https://board.example.org"
PREFLIGHT = {
    "Origin": FRONT,
    "Access-Control-Request-Method": "GET",
    "Access-Control-Request-Headers": "x-board-client",
}


def sent(requests: list[tuple[str, str, dict[str, str]]]) -> list[tuple[int, list[tuple[str, str]]]]:
    with fixture_module(PROJECT, "noticeboard.server", ("noticeboard",)) as server:
        return serve_tornado(server.make_app(), requests)


def test_the_preflight_of_a_get_with_the_allowed_header_gets_405() -> None:
    (simple, preflight, other) = sent(
        [("GET", "/notices", {"Origin": FRONT}), ("OPTIONS", "/notices", PREFLIGHT), ("POST", "/notices", {})]
    )
    assert simple[0] == 200
    assert preflight[0] == 405 and other[0] == 405
    headers = {k.lower(): v for k, v in preflight[1]}
    assert headers["access-control-allow-origin"] == FRONT  # set_default_headers runs on the 405
    answer = Response(preflight[0], tuple((k.lower(), v) for k, v in preflight[1]))
    verdict = fetch(lambda request: answer, PageRequest(FRONT, "GET", (("x-board-client", "web"),)))
    assert not verdict.allowed  # a 405 preflight fails, whatever headers it carries


def test_corslint_reports_the_handler_that_expects_preflighted_gets() -> None:
    found = [(f.rule_id, f.location.line) for f in run_lint(PROJECT).findings]
    assert found == [("CORS206", 11)]
    message = next(f.message for f in run_lint(PROJECT).findings)
    assert "every GET request carrying `x-board-client` fails its preflight" in message
