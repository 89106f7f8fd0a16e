"""A Flask POST view writing `Access-Control-Allow-Origin` itself while an app-wide
Flask-CORS layer covers the app from the entry module (fixture
flask/post_view_headers_under_app_cors, after ajGambino/fantasy_voting_backend
app/routes.py): Flask answers the view's OPTIONS itself without calling the view, and
Flask-CORS fills that answer in, so a JSON preflight passes. Checked with the real Flask
and Flask-CORS: CORS302 and CORS105 stand, no CORS206."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator

import pytest

from tests.conftest import FIXTURES, run_lint

PROJECT = FIXTURES / "flask" / "post_view_headers_under_app_cors"
PAGE = "https://ballots.example.com"


@pytest.fixture(autouse=True)
def _forget_fixture_modules() -> Iterator[None]:
    yield
    for name in [n for n in sys.modules if n.partition(".")[0] in {"ballotbox", "wsgi"}]:
        del sys.modules[name]


def test_flask_cors_answers_the_views_preflight(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(PROJECT))
    client = importlib.import_module("wsgi").app.test_client()
    preflight = client.options(
        "/ballots",
        headers={
            "Origin": PAGE,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert 200 <= preflight.status_code < 300
    assert preflight.headers.get("Access-Control-Allow-Origin") == PAGE
    assert "POST" in (preflight.headers.get("Access-Control-Allow-Methods") or "")
    assert "content-type" in (preflight.headers.get("Access-Control-Allow-Headers") or "").lower()
    # the view's own header wins on its responses: Flask-CORS skips them
    posted = client.post("/ballots", json={"choice": "a"}, headers={"Origin": PAGE})
    assert posted.headers.getlist("Access-Control-Allow-Origin") == ["*"]


def test_no_unanswered_preflight_is_reported() -> None:
    rules = sorted({f.rule_id for f in run_lint(PROJECT).findings})
    assert rules == ["CORS105", "CORS302"]
