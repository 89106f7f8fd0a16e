"""Differential truth for the headers of a Flask return tuple (fixtures
python_headers/flask_tuple_*). Measured with Flask 3.1: a str body becomes
`Response(body, status, headers)`, any other body gets `response.headers.update(headers)`;
a dict, a list of (name, value) pairs and a helper's return value of either shape (also
spread into a dict) all reach the response. Flask's automatic OPTIONS answer carries none of them."""

from __future__ import annotations

import json

import pytest
from flask import Flask, jsonify, request
from flask.testing import FlaskClient

from tests.conftest import FIXTURES, run_lint

FOLDER = FIXTURES / "python_headers"
PAGE = "https://reader.example"


def reply_headers(payload: str) -> list[tuple[str, str]]:  # the fixture's helper, written again
    try:
        caller = request.headers["Origin"]
        with_cookies = "true"
    except KeyError:
        caller = "*"
        with_cookies = "false"
    return [
        ("Access-Control-Allow-Origin", caller),
        ("Access-Control-Allow-Credentials", with_cookies),
        ("Content-Length", str(len(payload))),
    ]


def mapping_headers() -> dict[str, str]:
    return {"Access-Control-Allow-Origin": "*"}


def client() -> FlaskClient:
    app = Flask(__name__)

    @app.route("/pairs-helper", methods=["GET", "DELETE"])
    def pairs_helper() -> tuple[str, int, list[tuple[str, str]]]:
        body = json.dumps({"ok": True})
        return body, 200, reply_headers(body)

    @app.route("/dict-helper")
    def dict_helper() -> tuple[str, int, dict[str, str]]:
        return "", 204, mapping_headers()

    @app.route("/inline-pairs")
    def inline_pairs() -> object:
        return jsonify([]), [("Access-Control-Allow-Origin", "*")]

    @app.route("/inline-pairs-status")
    def inline_pairs_status() -> object:
        return jsonify([]), 200, [("Access-Control-Allow-Origin", "*")]

    @app.route("/spread-helper")
    def spread_helper() -> tuple[str, int, dict[str, str]]:
        return "", 200, {"Cache-Control": "no-store", **mapping_headers()}

    return app.test_client()


@pytest.mark.parametrize(
    ("path", "status", "origin"),
    [
        ("/pairs-helper", 200, PAGE),
        ("/dict-helper", 204, "*"),
        ("/inline-pairs", 200, "*"),
        ("/inline-pairs-status", 200, "*"),
        ("/spread-helper", 200, "*"),
    ],
)
def test_flask_applies_every_tuple_shape(path: str, status: int, origin: str) -> None:
    response = client().get(path, headers={"Origin": PAGE})
    assert response.status_code == status
    assert response.headers.getlist("Access-Control-Allow-Origin") == [origin]


def test_reflection_with_credentials_and_an_unanswered_preflight() -> None:
    test = client()
    response = test.get("/pairs-helper", headers={"Origin": PAGE})
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
    assert "Vary" not in response.headers
    preflight = test.options(
        "/pairs-helper", headers={"Origin": PAGE, "Access-Control-Request-Method": "DELETE"}
    )
    assert preflight.status_code == 200
    assert "Access-Control-Allow-Origin" not in preflight.headers
    # without an Origin the helper's `except KeyError` branch answers, no 500
    assert test.get("/pairs-helper").headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("flask_tuple_helper_pairs_reflect_credentials", ["CORS101", "CORS107", "CORS206"]),
        ("flask_tuple_helper_dict_preflight_allowlist", []),
        ("flask_tuple_inline_pairs_any_origin", ["CORS105", "CORS105"]),
    ],
)
def test_corslint_reads_the_tuple_headers(fixture: str, expected: list[str]) -> None:
    result = run_lint(FOLDER / fixture)
    assert sorted(f.rule_id for f in result.findings) == expected
