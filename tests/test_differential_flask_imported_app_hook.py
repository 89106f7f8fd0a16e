"""Differential truth for an `after_request` hook registered on an app imported from the
project module that builds it, beside `CORS(app)` called in another module's configure
function (fixture python_headers/flask_hook_on_imported_app_beside_flask_cors; the shape
of stsiwo/sts_blogs Api1/Aop/addCorsResponseHeaders.py and Configs/appConfig.py).
Measured with Flask 3.1 and flask-cors 6.0: the hook is registered first, so it runs last;
Flask-CORS has already answered the preflight, Allow-Methods included, and the hook only
overwrites its headers. Both are layers of one app (CORS302); the preflight is answered
(no CORS206). The fixture's code is written again here (fixtures are never imported)."""

from __future__ import annotations

from flask import Flask, Response, jsonify
from flask.testing import FlaskClient
from flask_cors import CORS
from werkzeug.test import TestResponse

from tests.conftest import FIXTURES, run_lint

PROJECT = FIXTURES / "python_headers" / "flask_hook_on_imported_app_beside_flask_cors"
EDITOR = "https://editor.notes.example"
OTHER = "https://elsewhere.example"


def _client(hook_first: bool) -> FlaskClient:
    app = Flask(__name__)

    def register_hook() -> None:
        @app.after_request
        def pin_editor_origin(response: Response) -> Response:
            response.headers["Access-Control-Allow-Origin"] = EDITOR
            response.headers["Access-Control-Allow-Credentials"] = "true"
            response.headers["Access-Control-Allow-Headers"] = "Content-Type, Authorization"
            return response

    @app.put("/api/notes/<int:note_id>")
    def save_note(note_id: int) -> Response:
        return jsonify({"id": note_id})

    if hook_first:
        register_hook()
    CORS(app, origins=[EDITOR], supports_credentials=True)
    if not hook_first:
        register_hook()
    return app.test_client()


def _preflight(client: FlaskClient, origin: str) -> TestResponse:
    return client.options("/api/notes/3", headers={"Origin": origin, "Access-Control-Request-Method": "PUT"})


def test_flask_cors_answers_the_preflight_and_the_hook_overwrites() -> None:
    client = _client(hook_first=True)
    answer = _preflight(client, EDITOR)
    assert answer.headers.getlist("Access-Control-Allow-Origin") == [EDITOR]
    assert "PUT" in answer.headers["Access-Control-Allow-Methods"]
    assert answer.headers["Access-Control-Allow-Headers"] == "Content-Type, Authorization"
    # an origin Flask-CORS refuses still gets the hook's headers (no Allow-Methods)
    refused = _preflight(client, OTHER)
    assert refused.headers.getlist("Access-Control-Allow-Origin") == [EDITOR]
    assert "Access-Control-Allow-Methods" not in refused.headers


def test_registered_after_cors_the_hook_writes_first_and_flask_cors_skips() -> None:
    answer = _preflight(_client(hook_first=False), EDITOR)
    assert answer.headers.getlist("Access-Control-Allow-Origin") == [EDITOR]
    assert "Access-Control-Allow-Methods" not in answer.headers


def test_corslint_puts_the_hook_on_the_flask_cors_app() -> None:
    result = run_lint(PROJECT)
    library = next(p for p in result.policies if p.framework == "flask_cors")
    written = next(p for p in result.policies if p.framework == "flask_headers")
    assert written.app == library.app
    assert [f.rule_id for f in result.findings] == ["CORS302"]
