"""Differential truth for hand-written web.py CORS code (fixtures python_headers/
webpy_handler_reflect_origin_credentials, a handler class whose `OPTIONS` and `POST` echo
`web.ctx.env.get("HTTP_ORIGIN")` with credentials, and webpy_loadhook_allowlist_no_vary,
a `web.loadhook` processor writing listed origins onto every answer, the 405 a class
without `OPTIONS` gives a preflight included). Each fixture's app, run by the real web.py
0.76 as a WSGI app, answers the probe battery as corslint's model of the extracted policy
says."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from corslint.frameworks.python_headers import respond
from corslint.http import Request
from corslint.model import CorsPolicy
from tests.conftest import FIXTURES, policies_linted_inside
from tests.probe_battery import battery, cors_headers
from tests.python_apps import call_wsgi, fixture_module

web = pytest.importorskip("web")

# fixture -> (module, path, the method its simple requests use)
CASES = {
    "webpy_handler_reflect_origin_credentials": ("mailer.app", "/messages", "POST"),
    "webpy_loadhook_allowlist_no_vary": ("notes.server", "/notes", "GET"),
}
FIXTURE_PACKAGES = {"mailer", "notes"}


@pytest.fixture
def fixture_app(request: pytest.FixtureRequest) -> Iterator[tuple[Any, str, str, CorsPolicy]]:
    name = request.param
    project = FIXTURES / "python_headers" / name
    module_name, path, method = CASES[name]
    with fixture_module(project, module_name, FIXTURE_PACKAGES) as module:
        (policy,) = policies_linted_inside(project, "webpy_headers")
        yield module.make_app().wsgifunc(), path, method, policy


@pytest.mark.parametrize("fixture_app", list(CASES), indirect=True)
def test_the_real_app_answers_as_the_model_says(fixture_app: tuple[Any, str, str, CorsPolicy]) -> None:
    app, path, method, policy = fixture_app
    compared, mismatches = 0, []
    for probe in battery(policy):
        sent = (
            probe if probe.method == "OPTIONS" else Request(method, probe.origin, probe.headers, probe.path)
        )
        predicted = respond(policy, sent)
        status, lines = call_wsgi(app, path, sent)
        where = f"{sent.method} Origin={sent.origin} {dict(sent.headers)}"
        if predicted.status is not None and status != predicted.status:
            mismatches.append(f"{where}: status {status} != {predicted.status}")
            continue
        if predicted.status is None and sent.method == "OPTIONS" and status != 405:
            mismatches.append(f"{where}: status {status}, the model says web.py's 405")
            continue
        if cors_headers(lines) != cors_headers(list(predicted.headers)):
            mismatches.append(f"{where}: {cors_headers(lines)} != {cors_headers(list(predicted.headers))}")
        compared += 1
    assert not mismatches, "\n".join(mismatches[:10])
    assert compared >= 10


def test_web_header_adds_a_second_line() -> None:
    class Twice:
        def GET(self) -> str:
            web.header("Access-Control-Allow-Origin", "https://a.example")
            web.header("Access-Control-Allow-Origin", "*")
            return ""

    app = web.application(("/twice", "Twice"), {"Twice": Twice}).wsgifunc()
    status, lines = call_wsgi(app, "/twice", Request("GET", "https://a.example"))
    assert status == 200
    assert [v for k, v in lines if k == "Access-Control-Allow-Origin"] == ["https://a.example", "*"]
