"""Differential truth for hand-written CherryPy CORS tools (fixtures python_headers/
cherrypy_tool_loopback_credentials, the shape of sujan787/ai-calendar-backend's
`cherrypy.Tool("before_handler", cors_tool)`, and cherrypy_registered_tool_reflect,
`@cherrypy.tools.register("before_finalize")`): each fixture's app, mounted by the real
CherryPy 18.10 and called as a WSGI app, answers the probe battery as corslint's model of
the extracted policy says."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from corslint.frameworks.python_headers import respond
from corslint.http import Request
from corslint.model import CorsPolicy
from tests.conftest import FIXTURES, policies_linted_inside
from tests.probe_battery import battery, cors_headers
from tests.python_apps import call_wsgi, fixture_module

cherrypy = pytest.importorskip("cherrypy")

CASES = {
    "cherrypy_tool_loopback_credentials": ("planner.app", "/events/"),
    "cherrypy_registered_tool_reflect": ("server", "/items"),
    # `_cptools.HandlerTool(fn)` whose fn returns True for OPTIONS: the handler is skipped
    "cherrypy_handler_tool_preflight": ("glossary.service", "/glossary/lookup"),
    # switched on by `tools.let_pages_read.on = True` in tiles.conf, the config mounted
    "cherrypy_tool_switched_on_in_conf": ("tiles.main", "/tiles/"),
    # CherryPy's own `tools.response_headers`, on for the /feeds config section (sabnzbd's shape)
    "cherrypy_response_headers_tool_feed_path": ("feedhub.server", "/feeds/"),
    # `@cherrypy.tools.response_headers(headers=[...])` on one handler
    "cherrypy_response_headers_decorator_handler": ("weather", "/latest"),
}


FIXTURE_PACKAGES = {"planner", "server", "glossary", "tiles", "feedhub", "weather"}


@pytest.fixture
def fixture_app(request: pytest.FixtureRequest) -> Iterator[tuple[Any, str, CorsPolicy]]:
    name = request.param
    project = FIXTURES / "python_headers" / name
    module_name, path = CASES[name]
    with fixture_module(project, module_name, FIXTURE_PACKAGES) as module:
        try:
            cherrypy.config.update({"environment": "embedded", "log.screen": False})
            app = module.make_app()
            (policy,) = policies_linted_inside(project, "cherrypy_headers")
            yield app, path, policy
        finally:
            cherrypy.tree.apps.clear()


@pytest.mark.parametrize("fixture_app", list(CASES), indirect=True)
def test_the_real_tool_answers_as_the_model_says(fixture_app: tuple[Any, str, CorsPolicy]) -> None:
    app, path, policy = fixture_app
    compared, mismatches = 0, []
    for probe in battery(policy):
        sent = probe if probe.method == "OPTIONS" else Request("GET", probe.origin, probe.headers, probe.path)
        predicted = respond(policy, sent)
        status, lines = call_wsgi(app, path, sent)
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


@pytest.mark.parametrize(
    ("name", "module_name", "path"),
    [
        # `tools.response_headers.on` is False for /admin: its list is never sent
        ("cherrypy_response_headers_tool_feed_path", "feedhub.server", "/admin/"),
        # a response_headers decorator on `__init__` is never consulted
        ("cherrypy_response_headers_decorator_handler", "weather", "/"),
    ],
)
def test_a_response_headers_list_never_switched_on_is_not_sent(
    name: str, module_name: str, path: str
) -> None:
    project = FIXTURES / "python_headers" / name
    with fixture_module(project, module_name, FIXTURE_PACKAGES) as module:
        try:
            cherrypy.config.update({"environment": "embedded", "log.screen": False})
            app = module.make_app()
            for method in ("GET", "OPTIONS"):
                request = Request(
                    method, "http://localhost:8080", (("Access-Control-Request-Method", "GET"),)
                )
                status, lines = call_wsgi(app, path, request)
                assert status == 200
                assert cors_headers(lines) == {}
        finally:
            cherrypy.tree.apps.clear()


def test_a_response_headers_list_written_into_a_config_mapping(tmp_path: Path) -> None:
    """`conf["global"]["tools.response_headers.headers"] = [...]` beside its `.on` switch
    (the MusicalChairsApi shape): the real app sends the list on every path."""
    project = tmp_path / "radio"
    project.mkdir()
    (project / "requirements.txt").write_text("cherrypy==18.10.0\n")
    (project / "station.py").write_text(
        "import cherrypy\n\n\n"
        "class Station:\n"
        "    @cherrypy.expose\n"
        "    def index(self):\n"
        '        return "on air"\n\n\n'
        "def make_app():\n"
        '    conf = {"/": {"tools.sessions.on": False}}\n'
        '    conf["/"]["tools.response_headers.on"] = True\n'
        '    conf["/"]["tools.response_headers.headers"] = [("Access-Control-Allow-Origin", "*")]\n'
        '    return cherrypy.tree.mount(Station(), "/", conf)\n'
    )
    (policy,) = policies_linted_inside(project, "cherrypy_headers")
    assert policy.options["Access-Control-Allow-Origin"].raw["value"].raw == "*"
    with fixture_module(project, "station", {"station"}) as module:
        try:
            cherrypy.config.update({"environment": "embedded", "log.screen": False})
            app = module.make_app()
            for probe in battery(policy):
                if probe.method != "OPTIONS":  # a simple request: the handler's GET
                    probe = Request("GET", probe.origin, probe.headers, probe.path)
                predicted = respond(policy, probe)
                status, lines = call_wsgi(app, "/", probe)
                # None: the handler's own answer, 200 for every method (the default dispatcher)
                assert status == (predicted.status or 200)
                assert cors_headers(lines) == cors_headers(list(predicted.headers))
        finally:
            cherrypy.tree.apps.clear()
