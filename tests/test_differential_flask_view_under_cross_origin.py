"""A Flask view that writes Access-Control-Allow-Origin by hand under its own
`@cross_origin` (fixture python_headers/flask_view_writes_origin_under_cross_origin; seen
in Jeffrey-maker/to-do-list app/routes.py). Measured with flask-cors 6.0: the decorator's
`set_cors_headers` runs after the view and `add`s its headers, so the response carries two
Allow-Origin values (browsers reject it); the app-wide `CORS(app)` hook then skips it.
corslint keys the view's headers to the decorator's layer: CORS302."""

from __future__ import annotations

from flask import Blueprint, Flask, jsonify
from flask_cors import CORS, cross_origin

from tests.conftest import FIXTURES, run_lint

PROJECT = FIXTURES / "python_headers" / "flask_view_writes_origin_under_cross_origin"
PLANNER = "https://planner.example.com"


def client():  # type: ignore[no-untyped-def]
    app = Flask(__name__)
    plots = Blueprint("plots", __name__)

    @plots.route("/plots/<name>/sow", methods=["POST"])
    @cross_origin(origins=[PLANNER])
    def sow(name: str):  # type: ignore[no-untyped-def]
        answer = jsonify({"plot": name})
        answer.headers["Access-Control-Allow-Origin"] = "*"
        return answer

    app.register_blueprint(plots)
    CORS(app, supports_credentials=True, origins=["https://other.example.com"])
    return app.test_client()


def test_the_decorator_adds_a_second_allow_origin() -> None:
    response = client().post("/plots/beds/sow", headers={"Origin": PLANNER}, json={})
    assert response.headers.getlist("Access-Control-Allow-Origin") == ["*", PLANNER]
    assert "Access-Control-Allow-Credentials" not in response.headers  # the app-wide hook skipped


def test_a_refused_origin_keeps_the_views_star() -> None:
    response = client().post("/plots/beds/sow", headers={"Origin": "https://elsewhere.example"}, json={})
    assert response.headers.getlist("Access-Control-Allow-Origin") == ["*"]


def test_the_decorator_answers_the_preflight_without_the_view() -> None:
    response = client().options(
        "/plots/beds/sow", headers={"Origin": PLANNER, "Access-Control-Request-Method": "POST"}
    )
    assert response.headers.getlist("Access-Control-Allow-Origin") == [PLANNER]


def test_corslint_reports_the_second_layer() -> None:
    result = run_lint(PROJECT)
    found = sorted((f.rule_id, f.location.path.rsplit("/", 1)[-1], f.location.line) for f in result.findings)
    assert found == [("CORS105", "plots.py", 14), ("CORS302", "plots.py", 14)]
    written = next(p for p in result.policies if p.framework == "flask_headers")
    decorator = next(p for p in result.policies if p.framework == "flask_cors")
    assert written.app == decorator.app
