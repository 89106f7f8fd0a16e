"""Differential truth for an undecorated Google Cloud Functions entry point (census 10 B1,
esranrzm/SWE590-SPRING25 serverless/main.py; Google's older `functions_cors` sample): the
fixture python_headers/gcf_undecorated_entry_point served by the real functions-framework
(`create_app(target, source)`, what `gcloud functions deploy --runtime python3xx` runs), the
probe battery replayed against it and corslint's model of what it extracted. Where the
shape is not an entry point's (a module making a web app, another file name, no OPTIONS
test), corslint stays as quiet as before."""

from __future__ import annotations

from pathlib import Path

import pytest

from corslint.frameworks.python_headers import respond
from tests.conftest import FIXTURES, run_lint
from tests.probe_battery import battery, cors_headers

PROJECT = FIXTURES / "python_headers" / "gcf_undecorated_entry_point"


def test_model_matches_the_undecorated_function_as_served() -> None:
    functions_framework = pytest.importorskip("functions_framework")
    app = functions_framework.create_app("find_stores", str(PROJECT / "main.py"), "http")
    client = app.test_client()
    (policy,) = run_lint(PROJECT).policies
    assert policy.framework == "cloud_functions_headers"
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


_ENTRY = """
def handler(request):
    headers = {"Access-Control-Allow-Origin": "*"}
    if request.method == "OPTIONS":
        return ("", 204, headers)
    return ("ok", 200, headers)
"""


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("helpers.py", _ENTRY),  # not main.py: no Cloud Functions source
        ("main.py", "from flask import Flask\napp = Flask(__name__)\n" + _ENTRY),  # an app's helper
        ("main.py", _ENTRY.replace('request.method == "OPTIONS"', "request.args.get('x')")),
        (
            "main.py",
            _ENTRY.replace("def handler(request)", "def handler(event, context)").replace(
                "request.method", "event.method"
            ),
        ),
    ],
)
def test_other_shapes_are_not_entry_points(tmp_path: Path, name: str, text: str) -> None:
    (tmp_path / name).write_text(text)
    assert [p for p in run_lint(tmp_path).policies if p.framework == "cloud_functions_headers"] == []
