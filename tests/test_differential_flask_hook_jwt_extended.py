"""Differential truth for a hand-written Flask `after_request` hook in front of
Flask-JWT-Extended routes (fixtures python_headers/flask_hook_jwt_extended_blueprints and
..._cookie_tokens_clean; the shape of Rubenrod18/flask_api src/manage.py). Measured with
Flask 3.1: the automatic OPTIONS answer to a `@jwt_required()` route passes through the
hook, so the preflight of a request carrying `Authorization: Bearer ...` (the header
Flask-JWT-Extended reads by default, `JWT_TOKEN_LOCATION = ["headers"]`) gets
`Access-Control-Allow-Headers: Content-Type` only, and the browser refuses to send it.
Flask-JWT-Extended itself is not needed for the preflight: Flask answers OPTIONS before
any view decorator runs. The fixture's code is written again here (fixtures are never
imported)."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask, Response, jsonify

from tests.conftest import FIXTURES, run_lint

PROJECT = FIXTURES / "python_headers" / "flask_hook_jwt_extended_blueprints"
COOKIES = FIXTURES / "python_headers" / "flask_hook_jwt_extended_cookie_tokens_clean"


def _app() -> Flask:
    app = Flask(__name__)

    @app.post("/bookings/")
    def book() -> Response:  # wears @jwt_required() in the fixture
        return jsonify({}), 201  # type: ignore[return-value]

    @app.after_request
    def open_to_the_booking_widget(response: Response) -> Response:
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Allow-Headers"] = "Content-Type"
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, DELETE"
        return response

    return app


def test_the_token_preflight_is_refused() -> None:
    answer = (
        _app()
        .test_client()
        .options(
            "/bookings/",
            headers={
                "Origin": "https://widget.example",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization,content-type",
            },
        )
    )
    assert answer.status_code == 200
    allowed = {h.strip().lower() for h in answer.headers["Access-Control-Allow-Headers"].split(",")}
    assert "authorization" not in allowed  # the browser's CORS-preflight check fails here


def test_corslint_reports_the_missing_authorization(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(PROJECT)
    found = sorted((f.rule_id, f.location.line) for f in run_lint(Path(".")).findings)
    assert found == [("CORS105", 14), ("CORS204", 15)]


def test_cookie_tokens_need_no_authorization_header(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(COOKIES)
    result = run_lint(Path("."))
    assert len(result.policies) == 1
    assert [f.rule_id for f in result.findings] == []
