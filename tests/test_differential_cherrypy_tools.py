"""Differential truth for hand-written CherryPy CORS tools (fixtures python_headers/
cherrypy_tool_loopback_credentials, the shape of sujan787/ai-calendar-backend's
`cherrypy.Tool("before_handler", cors_tool)`, and cherrypy_registered_tool_reflect,
`@cherrypy.tools.register("before_finalize")`): each fixture's app, mounted by the real
CherryPy 18.10 and called as a WSGI app, answers the probe battery as corslint's model of
the extracted policy says."""

from __future__ import annotations

import importlib
import io
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from corslint.frameworks.python_headers import respond
from corslint.http import Request
from corslint.model import CorsPolicy
from tests.conftest import FIXTURES, policies_linted_inside
from tests.probe_battery import battery, cors_headers

cherrypy = pytest.importorskip("cherrypy")

CASES = {
    "cherrypy_tool_loopback_credentials": ("planner.app", "/events/"),
    "cherrypy_registered_tool_reflect": ("server", "/items"),
    # `_cptools.HandlerTool(fn)` whose fn returns True for OPTIONS: the handler is skipped
    "cherrypy_handler_tool_preflight": ("glossary.service", "/glossary/lookup"),
    # switched on by `tools.let_pages_read.on = True` in tiles.conf, the config mounted
    "cherrypy_tool_switched_on_in_conf": ("tiles.main", "/tiles/"),
}


FIXTURE_PACKAGES = {"planner", "server", "glossary", "tiles"}


@pytest.fixture
def fixture_app(request: pytest.FixtureRequest) -> Iterator[tuple[Any, str, CorsPolicy]]:
    name = request.param
    project = FIXTURES / "python_headers" / name
    module_name, path = CASES[name]
    sys.path.insert(0, str(project))
    try:
        module = importlib.import_module(module_name)
        cherrypy.config.update({"environment": "embedded", "log.screen": False})
        app = module.make_app()
        (policy,) = policies_linted_inside(project, "cherrypy_headers")
        yield app, path, policy
    finally:
        sys.path.remove(str(project))
        for loaded in [m for m in sys.modules if m.split(".")[0] in FIXTURE_PACKAGES]:
            del sys.modules[loaded]
        cherrypy.tree.apps.clear()


def send(app: Any, path: str, request: Request) -> tuple[int, list[tuple[str, str]]]:
    environ: dict[str, Any] = {
        "REQUEST_METHOD": request.method,
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "api.internal",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "api.internal",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }
    headers = dict(request.headers)
    if request.origin is not None:
        headers["Origin"] = request.origin
    for name, value in headers.items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    answer: dict[str, Any] = {}

    def start_response(status: str, lines: list[tuple[str, str]], exc_info: Any = None) -> None:
        answer["status"], answer["lines"] = int(status.split()[0]), lines

    b"".join(app(environ, start_response))
    return answer["status"], list(answer["lines"])


@pytest.mark.parametrize("fixture_app", list(CASES), indirect=True)
def test_the_real_tool_answers_as_the_model_says(fixture_app: tuple[Any, str, CorsPolicy]) -> None:
    app, path, policy = fixture_app
    compared, mismatches = 0, []
    for probe in battery(policy):
        sent = probe if probe.method == "OPTIONS" else Request("GET", probe.origin, probe.headers, probe.path)
        predicted = respond(policy, sent)
        status, lines = send(app, path, sent)
        where = f"{sent.method} Origin={sent.origin} {dict(sent.headers)}"
        if predicted.status is None:
            # not answered by the tool: CherryPy's dispatcher calls the handler for every method
            assert status == 200, where
            continue
        if status != predicted.status:
            mismatches.append(f"{where}: status {status} != {predicted.status}")
            continue
        if cors_headers(lines) != cors_headers(list(predicted.headers)):
            mismatches.append(f"{where}: {cors_headers(lines)} != {cors_headers(list(predicted.headers))}")
        compared += 1
    assert not mismatches, "\n".join(mismatches[:10])
    assert compared >= 20


def test_a_tool_never_switched_on_is_no_layer(tmp_path: Path) -> None:
    project = tmp_path / "svc"
    project.mkdir()
    (project / "requirements.txt").write_text("cherrypy==18.10.0\n")
    (project / "app.py").write_text(
        "import cherrypy\n\n\n"
        "def cors():\n"
        '    cherrypy.response.headers["Access-Control-Allow-Origin"] = "*"\n\n\n'
        'cherrypy.tools.cors = cherrypy.Tool("before_handler", cors)\n'
    )
    assert policies_linted_inside(project, "cherrypy_headers") == []
