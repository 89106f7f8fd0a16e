"""A Flask view returning its own `Access-Control-Allow-Origin: *` under a `@cross_origin()`
that admits every origin (fixture python_headers/flask_view_star_under_open_cross_origin;
seen in alerta/alerta alerta/views/oembed.py). Measured with flask-cors 6.0.5: every answer
of the view carries two Allow-Origin values (browsers reject it), so the view's `*` is never
readable: CORS302 only, no CORS105 on the view's header (sweep 12 Y4)."""

from __future__ import annotations

from flask import Flask, jsonify
from flask_cors import cross_origin

from tests.conftest import FIXTURES, run_lint

PROJECT = FIXTURES / "python_headers" / "flask_view_star_under_open_cross_origin"


def client():  # type: ignore[no-untyped-def]
    app = Flask(__name__)

    @app.route("/badges/<repo>", methods=["GET", "OPTIONS"])
    @cross_origin(max_age=600)
    def badge(repo: str):  # type: ignore[no-untyped-def]
        return jsonify(repo=repo), 200, {"Access-Control-Allow-Origin": "*"}

    return app.test_client()


def test_every_answer_carries_two_allow_origin_values() -> None:
    for origin in ("https://attacker.invalid", "https://docs.example.org"):
        response = client().get("/badges/atlas", headers={"Origin": origin})
        assert response.headers.getlist("Access-Control-Allow-Origin") == ["*", origin]
    response = client().get("/badges/atlas")
    assert response.headers.getlist("Access-Control-Allow-Origin") == ["*", "*"]


def test_the_preflight_is_the_decorators_alone() -> None:
    response = client().options(
        "/badges/atlas",
        headers={"Origin": "https://attacker.invalid", "Access-Control-Request-Method": "GET"},
    )
    assert response.headers.getlist("Access-Control-Allow-Origin") == ["https://attacker.invalid"]


def test_corslint_reports_the_doubled_layer_not_the_views_origin() -> None:
    result = run_lint(PROJECT)
    found = sorted((f.rule_id, f.location.line) for f in result.findings)
    assert ("CORS302", 14) in found
    assert ("CORS105", 14) not in found
