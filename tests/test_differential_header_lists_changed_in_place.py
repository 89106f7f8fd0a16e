"""Differential truth for header lists a hook changes in place before writing them
(fixture python_headers/flask_hook_header_lists_changed_in_place: `allowed.append(...)`,
`methods.update([...])` inside `if request.method == "OPTIONS":`, Flask 3.1). The fixture's
own app answers through Flask's test client; the probe battery is replayed against it
and corslint's model."""

from __future__ import annotations

import importlib
import sys

from corslint.frameworks.python_headers import respond
from corslint.model import UnresolvedValueError
from tests.conftest import FIXTURES, run_lint
from tests.probe_battery import battery, cors_headers

PROJECT = FIXTURES / "python_headers" / "flask_hook_header_lists_changed_in_place"


def test_model_matches_flask() -> None:
    (policy,) = run_lint(PROJECT).policies
    sys.path.insert(0, str(PROJECT))
    try:
        app = importlib.import_module("app").app
    finally:
        sys.path.remove(str(PROJECT))
        sys.modules.pop("app", None)
    client = app.test_client()
    compared = 0
    for request in battery(policy):
        try:
            predicted = respond(policy, request)
        except UnresolvedValueError:
            continue
        headers = dict(request.headers)
        if request.origin is not None:
            headers["Origin"] = request.origin
        answer = client.open(
            "/recipes/1" if request.method == "OPTIONS" else "/recipes",
            method=request.method,
            headers=headers,
        )
        where = f"{request.method} Origin={request.origin} {dict(request.headers)}"
        assert cors_headers(list(answer.headers.items())) == cors_headers(list(predicted.headers)), where
        compared += 1
    assert compared >= 10
    preflight = client.options("/recipes/1", headers={"Origin": "https://planner.recipes.example"})
    assert preflight.headers["Access-Control-Allow-Headers"] == "Content-Type, Authorization"
    assert preflight.headers["Access-Control-Allow-Methods"] == "GET, HEAD, POST, PUT"
