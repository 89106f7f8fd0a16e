"""Differential truth for an `after_request` hook registered by the helper that also runs
`CORS(app)` (fixture flask/hook_in_helper_beside_flask_cors). Measured with Flask 3.1 and
flask-cors 6.0: Flask runs after_request hooks last-registered first, so the hand-written
hook writes Allow-Origin before flask-cors sees the response, and flask-cors leaves a
response that has one alone: the library's allow-list never applies (CORS303)."""

from __future__ import annotations

from flask import Flask, Response
from flask.testing import FlaskClient
from flask_cors import CORS

from tests.conftest import FIXTURES, run_lint

PROJECT = FIXTURES / "flask" / "hook_in_helper_beside_flask_cors"
PORTAL = "https://portal.clinic.example"
STAFF = "https://staff.clinic.example"


def install_cross_origin(app: Flask) -> None:  # the fixture's helper, written again here
    CORS(app, origins=[PORTAL, STAFF], supports_credentials=True)

    @app.after_request
    def portal_headers(response: Response) -> Response:
        response.headers["Access-Control-Allow-Origin"] = PORTAL
        response.headers["Access-Control-Allow-Credentials"] = "true"
        return response


def client() -> FlaskClient:
    app = Flask(__name__)

    @app.get("/appointments")
    def appointments() -> dict[str, list[str]]:
        return {"appointments": []}

    install_cross_origin(app)
    return app.test_client()


def test_the_hook_answers_first_and_flask_cors_skips() -> None:
    test = client()
    for origin in (PORTAL, STAFF):
        response = test.get("/appointments", headers={"Origin": origin})
        assert response.headers.getlist("Access-Control-Allow-Origin") == [PORTAL]
    preflight = test.options(
        "/appointments", headers={"Origin": STAFF, "Access-Control-Request-Method": "PUT"}
    )
    assert preflight.headers.getlist("Access-Control-Allow-Origin") == [PORTAL]
    assert "Access-Control-Allow-Methods" not in preflight.headers  # flask-cors skipped it


def test_corslint_puts_both_layers_on_the_callers_app() -> None:
    result = run_lint(PROJECT)
    library = next(p for p in result.policies if p.framework == "flask_cors")
    written = next(p for p in result.policies if p.framework == "flask_headers")
    assert written.app == library.app
    assert library.app.endswith("::def create_app@6::clinic_app")
    # the extension never decides a response: its layer is reported as having no effect, as
    # census 10 C4's module-level form is (census 11 C3)
    assert [f.rule_id for f in result.findings] == ["CORS303"]
