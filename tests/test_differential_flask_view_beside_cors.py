"""Differential truth for a Flask view that answers OPTIONS itself with Allow-Headers,
Allow-Methods and Allow-Credentials but no Allow-Origin, on an app app-wide Flask-CORS
covers (fixture flask/options_view_beside_app_cors, after danixas/full-stack-website-practise).
Measured with Flask 3.1 and flask-cors 6.0: Flask-CORS finds no Allow-Origin on the view's
response and adds its own headers beside the view's, so an allowed origin's preflight
carries every header twice; `Access-Control-Allow-Credentials` reads `true, true`, which
the browser's CORS check refuses. Two layers of one app mixed: CORS302 at the view."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, jsonify
from flask.testing import FlaskClient
from flask_cors import CORS

from tests.conftest import FIXTURES, run_lint

PROJECT = FIXTURES / "flask" / "options_view_beside_app_cors"
LISTED = "https://notes.example.org"


def client() -> FlaskClient:
    notes = Blueprint("notes", __name__)

    @notes.route("/notes", methods=["OPTIONS"])
    def notes_preflight() -> Response:  # the fixture's view, written again here
        reply = jsonify()
        reply.headers.add("Access-Control-Allow-Headers", "Content-Type")
        reply.headers.add("Access-Control-Allow-Methods", "POST")
        reply.headers.add("Access-Control-Allow-Credentials", "true")
        return reply

    @notes.route("/notes", methods=["GET", "POST"])
    def notes_list() -> Response:
        return jsonify({"notes": []})

    app = Flask(__name__)
    app.register_blueprint(notes)
    CORS(app, origins=[LISTED], supports_credentials=True)
    return app.test_client()


def test_the_preflight_carries_both_layers_headers() -> None:
    preflight = {"Origin": LISTED, "Access-Control-Request-Method": "POST"}
    response = client().options("/notes", headers=preflight)
    assert response.headers.get("Access-Control-Allow-Origin") == LISTED
    assert response.headers.getlist("Access-Control-Allow-Credentials") == ["true", "true"]
    assert len(response.headers.getlist("Access-Control-Allow-Methods")) == 2


def test_other_requests_carry_the_library_headers_only() -> None:
    response = client().post("/notes", headers={"Origin": LISTED}, json={})
    assert response.headers.getlist("Access-Control-Allow-Credentials") == ["true"]


def test_corslint_reports_the_second_layer_at_the_view() -> None:
    findings = [f for f in run_lint(PROJECT).findings if f.rule_id == "CORS302"]
    assert [(f.location.path.rsplit("/", 1)[-1], f.location.line) for f in findings] == [("views.py", 12)]
    assert "writes no `Access-Control-Allow-Origin`" in findings[0].message
