"""Differential truth for an `after_request` hook defined inside a helper whose `origins`
parameter defaults to None and is replaced by ["*"] before the hook is defined (fixture
python_headers/flask_hook_closure_parameter_defaulted_star; the shape of MyJin520/aio
utils/cors.py). Measured with Flask 3.1: the closure sees the rebound list, so every
response carries `Access-Control-Allow-Origin: *`; with two origins passed, the joined
value is `a, b`. The fixture's code is written again here (fixtures are never imported)."""

from __future__ import annotations

from collections.abc import Sequence

from flask import Flask, Response, jsonify

from tests.conftest import FIXTURES, run_lint

PROJECT = FIXTURES / "python_headers" / "flask_hook_closure_parameter_defaulted_star"


def _app(origins: Sequence[str] | None = None) -> Flask:
    app = Flask(__name__)

    def allow(app: Flask, origins: Sequence[str] | None = None) -> None:
        if origins is None:
            origins = ["*"]

        @app.after_request
        def stamp(response: Response) -> Response:
            response.headers["Access-Control-Allow-Origin"] = ", ".join(origins)
            return response

    @app.get("/invoices")
    def invoices() -> Response:
        return jsonify([])

    allow(app, origins)
    return app


def test_the_closure_sees_the_rebound_default() -> None:
    answer = _app().test_client().get("/invoices", headers={"Origin": "https://any.example"})
    assert answer.headers.getlist("Access-Control-Allow-Origin") == ["*"]


def test_passed_origins_are_joined() -> None:
    app = _app(["https://a.example", "https://b.example"])
    answer = app.test_client().get("/invoices", headers={"Origin": "https://a.example"})
    assert answer.headers["Access-Control-Allow-Origin"] == "https://a.example, https://b.example"


def test_corslint_reads_the_rebound_default() -> None:
    result = run_lint(PROJECT)
    assert [f.rule_id for f in result.findings] == ["CORS105"]
