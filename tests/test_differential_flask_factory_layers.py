"""Differential truth for Flask layers that meet through an app factory or a hook
registered from another module (fixtures flask/factory_result_wrapped_again,
flask/blueprint_hook_under_factory_result_cors,
python_headers/flask_registered_hook_delegates_to_writer). Measured with Flask 3.1 and
flask-cors 6.0: Flask runs a blueprint's after_request hooks before the app's, and the
app's last-registered first; flask-cors leaves a response that already carries
Access-Control-Allow-Origin alone. Each fixture's code is written again here (the
fixtures are never imported)."""

from __future__ import annotations

from flask import Blueprint, Flask, Response
from flask.testing import FlaskClient
from flask_cors import CORS

from tests.conftest import FIXTURES, run_lint

QUIZ = "https://quiz.example.org"
PLAY = "https://play.quiz.example.org"
READER = "https://read.example.net"
KANBAN = "https://kanban.example.com"
OTHER = "https://elsewhere.example"


def _wrapped_again() -> FlaskClient:
    def create_app() -> Flask:
        quiz_app = Flask(__name__)
        CORS(quiz_app, origins=[QUIZ], supports_credentials=True)

        @quiz_app.get("/api/questions/")
        def questions() -> list[dict[str, int]]:
            return [{"id": 1}]

        return quiz_app

    app = create_app()
    CORS(app, origins=[PLAY], supports_credentials=True)
    return app.test_client()


def test_a_second_flask_cors_on_the_factorys_app_mixes_both_lists() -> None:
    client = _wrapped_again()
    for origin in (PLAY, QUIZ):  # the later layer answers its origin, the factory's the other
        response = client.get("/api/questions/", headers={"Origin": origin})
        assert response.headers.getlist("Access-Control-Allow-Origin") == [origin]
    assert (
        "Access-Control-Allow-Origin" not in client.get("/api/questions/", headers={"Origin": OTHER}).headers
    )


def test_corslint_puts_the_entry_points_layer_on_the_factorys_app() -> None:
    result = run_lint(FIXTURES / "flask" / "factory_result_wrapped_again")
    layers = [
        p
        for p in result.policies
        if p.framework == "flask_cors" and p.location.path.endswith(("wsgi.py", "factory.py"))
    ]
    assert len({p.app for p in layers}) == 1
    assert [f.rule_id for f in result.findings] == ["CORS302"]


def _blueprint_hook() -> FlaskClient:
    catalog = Blueprint("catalog", __name__)

    @catalog.after_request
    def add_headers(response: Response) -> Response:
        response.headers["Access-Control-Allow-Origin"] = READER
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, PUT, DELETE, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "Content-Type, Authorization"
        return response

    @catalog.get("/books")
    def books() -> list[str]:
        return []

    application = Flask(__name__)
    application.register_blueprint(catalog)

    @application.get("/health")
    def health() -> str:
        return "ok"

    CORS(application, resources={r"/*": {"origins": [READER, OTHER]}})
    return application.test_client()


def test_a_blueprint_hook_writes_first_and_flask_cors_skips_its_routes() -> None:
    client = _blueprint_hook()
    response = client.get("/books", headers={"Origin": OTHER})
    assert response.headers.getlist("Access-Control-Allow-Origin") == [READER]
    preflight = client.options("/books", headers={"Origin": OTHER, "Access-Control-Request-Method": "PUT"})
    assert preflight.headers.getlist("Access-Control-Allow-Methods") == ["GET, POST, PUT, DELETE, OPTIONS"]
    # the app's other routes keep the library's policy
    assert client.get("/health", headers={"Origin": OTHER}).headers["Access-Control-Allow-Origin"] == OTHER


def test_corslint_puts_the_blueprint_hook_on_the_app_wide_layers_app() -> None:
    result = run_lint(FIXTURES / "flask" / "blueprint_hook_under_factory_result_cors")
    library = next(p for p in result.policies if p.framework == "flask_cors")
    written = next(p for p in result.policies if p.framework == "flask_headers")
    assert written.app == library.app
    assert [f.rule_id for f in result.findings] == ["CORS302"]


def _delegating_hook() -> FlaskClient:
    def stamp_cross_origin(response: Response) -> Response:
        response.headers.add("Access-Control-Allow-Origin", "*")
        response.headers.add("Access-Control-Allow-Headers", "content-type,x-board-token")
        response.headers.add("Access-Control-Allow-Methods", "GET,PUT,POST,DELETE,OPTIONS")
        return response

    def finish_response(response: Response) -> Response:
        return stamp_cross_origin(response)

    app = Flask("kanban")
    CORS(app, origins=[KANBAN])
    app.after_request(finish_response)

    @app.get("/boards")
    def boards() -> dict[str, list[str]]:
        return {"boards": []}

    return app.test_client()


def test_a_hook_registered_after_flask_cors_answers_alone() -> None:
    client = _delegating_hook()
    for origin in (KANBAN, OTHER):
        response = client.get("/boards", headers={"Origin": origin})
        assert response.headers.getlist("Access-Control-Allow-Origin") == ["*"]
    preflight = client.options("/boards", headers={"Origin": KANBAN, "Access-Control-Request-Method": "PUT"})
    assert preflight.headers.getlist("Access-Control-Allow-Methods") == ["GET,PUT,POST,DELETE,OPTIONS"]


def test_corslint_reads_the_delegating_hook_as_the_apps_layer() -> None:
    result = run_lint(FIXTURES / "python_headers" / "flask_registered_hook_delegates_to_writer")
    assert sorted(f.rule_id for f in result.findings) == ["CORS105", "CORS302"]


def _entry_point_hook() -> FlaskClient:
    def create_app() -> Flask:
        atlas = Flask(__name__)
        CORS(atlas, origins=["https://maps.atlas.example"])

        @atlas.get("/tiles/<int:zoom>")
        def tiles(zoom: int) -> dict[str, int]:
            return {"zoom": zoom}

        return atlas

    app = create_app()

    @app.after_request
    def embed_partner(response: Response) -> Response:
        response.headers["Access-Control-Allow-Origin"] = "https://partner.atlas.example"
        response.headers["Vary"] = "Origin"
        return response

    return app.test_client()


def test_a_hook_on_the_factorys_app_leaves_preflights_without_methods() -> None:
    client = _entry_point_hook()
    preflight = client.options(
        "/tiles/3",
        headers={"Origin": "https://maps.atlas.example", "Access-Control-Request-Method": "PUT"},
    )
    assert preflight.headers.getlist("Access-Control-Allow-Origin") == ["https://partner.atlas.example"]
    assert "Access-Control-Allow-Methods" not in preflight.headers  # flask-cors skipped it
    result = run_lint(FIXTURES / "flask" / "factory_result_hook_in_entry_point")
    assert sorted(f.rule_id for f in result.findings) == ["CORS206", "CORS302"]
