"""Differential truth for Google Cloud Functions' Python entry point (fixture
python_headers/cloud_function_tuple_headers): the fixture's function served by the real
functions-framework 3.10.2 (`create_app`), the probe battery replayed against it and
corslint's model of what it extracted.

functions-framework is not in the test extras (it brings gunicorn, watchdog and
cloudevents); run this file with it on the path, e.g. `pip install --target
/tmp/functions-framework functions-framework==3.10.2` and
`PYTHONPATH=/tmp/functions-framework pytest tests/test_differential_cloud_functions.py`."""

from __future__ import annotations

import pytest

from corslint.frameworks.python_headers import respond
from corslint.model import CorsPolicy
from tests.conftest import FIXTURES, run_lint
from tests.probe_battery import battery, cors_headers

functions_framework = pytest.importorskip("functions_framework")

PROJECT = FIXTURES / "python_headers" / "cloud_function_tuple_headers"


def the_policy() -> CorsPolicy:
    (policy,) = run_lint(PROJECT).policies
    assert policy.framework == "cloud_functions_headers"
    return policy


def test_model_matches_the_function_as_served() -> None:
    app = functions_framework.create_app("quiz", str(PROJECT / "main.py"), "http")
    client = app.test_client()
    policy = the_policy()
    compared = 0
    for request in battery(policy):
        headers = dict(request.headers)
        if request.origin is not None:
            headers["Origin"] = request.origin
        answer = client.open("/", method=request.method, headers=headers)
        predicted = respond(policy, request)
        where = f"{request.method} Origin={request.origin} {dict(request.headers)}"
        assert answer.status_code == (predicted.status or 200), where
        assert cors_headers(list(answer.headers.items())) == cors_headers(list(predicted.headers)), where
        compared += 1
    assert compared >= 20
