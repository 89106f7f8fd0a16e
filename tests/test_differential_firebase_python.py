"""Differential truth for Firebase Functions for Python's `on_request(cors=CorsOptions(...))`.

firebase-functions (0.6.0) cannot be imported here without firebase-admin, functions-framework
and Google Cloud credentials, so its wrapping is replayed as its source writes it
(`firebase_functions/https_fn.py`, `on_request`): the handler is wrapped in
`flask_cors.cross_origin(methods=options.cors.cors_methods, origins=options.cors.cors_origins)`,
a field left out being passed as None. The policies corslint extracts from the fixture (and a
few more, through the same extractor) are given to that real decorator on a Flask app that
serves every method, and the probe battery must get the same status and CORS headers from it
as from corslint's Flask-CORS model."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_cors import cross_origin

from corslint.frameworks.flask_cors import respond
from corslint.model import CorsPolicy
from tests.conftest import run_lint
from tests.flask_cors_policies import fixture_policies_in, known_options
from tests.probe_battery import cors_headers, route_battery
from tests.test_differential_flask import METHODS, send

_EXTRA = {
    "omitted-methods": 'cors=options.CorsOptions(cors_origins="https://a.example.com")',
    "omitted-origins": 'cors=options.CorsOptions(cors_methods=["GET", "PUT"])',
    "positional-list": 'cors=options.CorsOptions(["https://a.example.com", "https://b.example.com"], "get")',
    "regex-string": r'cors=options.CorsOptions(cors_origins=r"https://.*\.example\.com")',
}


def _extra_policies(tmp: Path) -> list[tuple[str, CorsPolicy]]:
    found = []
    for name, keyword in _EXTRA.items():
        project = tmp / name / "functions"
        project.mkdir(parents=True)
        (project / "main.py").write_text(
            "from firebase_functions import https_fn, options\n\n\n"
            f"@https_fn.on_request({keyword})\n"
            "def handler(req):\n    return https_fn.Response('ok')\n",
            encoding="utf-8",
        )
        (policy,) = run_lint(project.parent).policies
        found.append((name, policy))
    return found


def real_client(options: dict[str, Any]) -> FlaskClient:
    """The handler as `on_request` wraps it (no app-wide layer: Firebase serves the function
    itself for every method)."""
    app = Flask(__name__)

    def handler(path: str = "") -> str:
        return "ok"

    wrapped = cross_origin(**options)(handler)
    app.add_url_rule("/", "root", wrapped, methods=METHODS)
    app.add_url_rule("/<path:path>", "any", wrapped, methods=METHODS)
    return app.test_client()


def _compare(policy: CorsPolicy) -> None:
    options = known_options(policy)
    assert options is not None
    assert set(options) == {"origins", "methods"}  # the two keywords the wrapper passes
    client = real_client(options)
    requests = route_battery(policy)
    assert len(requests) > 20
    for request in requests:
        predicted = respond(policy, request)
        real = send(client, request)
        where = f"{request.method} {request.path} Origin={request.origin} {dict(request.headers)}"
        assert real.status_code == (predicted.status or 200), where
        assert cors_headers(list(real.headers.items())) == cors_headers(list(predicted.headers)), where


FIXTURE = fixture_policies_in("flask", "flask_cors")
FIREBASE = [(name, policy) for name, policy in FIXTURE if name.startswith("firebase_on_request_cors_options")]


def test_the_fixture_functions_are_found() -> None:
    assert len(FIREBASE) == 2  # `cors=` on two of the three functions


@pytest.mark.parametrize(("name", "policy"), FIREBASE, ids=[name for name, _ in FIREBASE])
def test_model_matches_the_wrapped_handler(
    name: str, policy: CorsPolicy, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="flask_cors")
    _compare(policy)


def test_other_cors_options_match_too(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR, logger="flask_cors")
    for _, policy in _extra_policies(tmp_path):
        _compare(policy)
