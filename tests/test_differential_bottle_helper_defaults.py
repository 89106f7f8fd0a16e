"""Differential truth for a Bottle CORS helper read with its keyword defaults (fixture
python_headers/bottle_helper_keyword_defaults, the shape of DataBooster/PyWebApi's
`enable_cors(request, response, allow_credentials=True, max_age=86400)`): the fixture's
helper runs in a real Bottle 0.13 app, called as its routes call it, and its answers are
compared with corslint's model of the extracted policy."""

from __future__ import annotations

import importlib.util
import io
from types import ModuleType
from typing import Any

import pytest

from corslint.frameworks.python_headers import respond
from corslint.http import Request
from corslint.model import CorsPolicy
from tests.conftest import FIXTURES, run_lint
from tests.probe_battery import cors_headers

bottle = pytest.importorskip("bottle")

PROJECT = FIXTURES / "python_headers" / "bottle_helper_keyword_defaults"
ORIGINS = ["https://reports.example.com", "https://evil.example", "null", None]


def helper_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bottle_helper_fixture", PROJECT / "reports/crossorigin.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def real_app() -> Any:
    helper = helper_module().allow_cross_site
    app = bottle.Bottle()

    def daily() -> Any:
        if helper(bottle.request, bottle.response):
            return None
        return "rows"

    app.route("/reports/daily", method=["GET", "OPTIONS"], callback=daily)
    return app


def send(app: Any, method: str, headers: dict[str, str]) -> tuple[int, list[tuple[str, str]]]:
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": "/reports/daily",
        "SERVER_NAME": "reports.internal",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "reports.internal",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
    }
    for name, value in headers.items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    answer: dict[str, Any] = {}

    def start_response(status: str, lines: list[tuple[str, str]], exc_info: Any = None) -> None:
        answer["status"], answer["lines"] = int(status.split()[0]), lines

    b"".join(app(environ, start_response))
    return answer["status"], answer["lines"]


def the_policy() -> CorsPolicy:
    (policy,) = [p for p in run_lint(PROJECT).policies if p.framework == "bottle_headers"]
    return policy


@pytest.mark.parametrize("origin", ORIGINS)
def test_simple_requests_match_the_model(origin: str | None) -> None:
    headers = {"Origin": origin} if origin is not None else {}
    status, lines = send(real_app(), "GET", headers)
    predicted = respond(the_policy(), Request("GET", origin, path="/reports/daily"))
    assert status == 200
    assert cors_headers(lines) == cors_headers(list(predicted.headers))


def test_the_same_site_gets_no_cors_headers() -> None:
    """The helper's same-origin test: corslint reads it as false for cross-origin requests."""
    status, lines = send(real_app(), "GET", {"Origin": "http://reports.internal"})
    assert status == 200 and cors_headers(lines) == {}


def test_the_preflight_carries_the_default_max_age() -> None:
    preflight = {
        "Origin": "https://evil.example",
        "Access-Control-Request-Method": "PUT",
        "Access-Control-Request-Headers": "content-type",
    }
    status, lines = send(real_app(), "OPTIONS", preflight)
    sent = cors_headers(lines)
    assert status == 200
    assert sent["access-control-max-age"] == "43200"
    assert sent["access-control-allow-credentials"] == "true"
    (finding,) = [f for f in run_lint(PROJECT).findings if f.rule_id == "CORS207"]
    assert "43200" in finding.message


def test_a_caller_that_passes_the_parameter_leaves_it_unknown(tmp_path: Any) -> None:
    """One call passing `with_cookies=False`: the default is no longer what every caller gets."""
    project = tmp_path / "svc"
    (project / "reports").mkdir(parents=True)
    (project / "requirements.txt").write_text("bottle==0.13.4\n")
    (project / "reports" / "__init__.py").write_text("")
    (project / "reports" / "crossorigin.py").write_text((PROJECT / "reports/crossorigin.py").read_text())
    (project / "reports" / "routes.py").write_text(
        "from bottle import request, response, route\n"
        "from reports.crossorigin import allow_cross_site\n\n\n"
        '@route("/public")\n'
        "def public():\n"
        "    allow_cross_site(request, response, with_cookies=False)\n"
        '    return "ok"\n'
    )
    rules = {f.rule_id for f in run_lint(project).findings}
    # credentials are not known any more; the echo of every Origin still is
    assert "CORS101" not in rules and "CORS105" in rules


def test_a_host_the_project_names_is_not_the_servers_own(tmp_path: Any) -> None:
    """`origin.endswith("//" + settings.frontend_host)` tests a configured site, not the
    request's own: it stays undecided (CORS305), never read as a same-site test."""
    project = tmp_path / "svc"
    project.mkdir()
    (project / "requirements.txt").write_text("bottle==0.13.4\n")
    (project / "app.py").write_text(
        "from bottle import hook, request, response\n"
        "import settings\n\n\n"
        '@hook("after_request")\n'
        "def cors():\n"
        '    origin = request.get_header("Origin") or ""\n'
        '    if origin.endswith("//" + settings.frontend_host):\n'
        '        response.set_header("Access-Control-Allow-Origin", origin)\n'
        '        response.set_header("Vary", "Origin")\n'
    )
    rules = {f.rule_id for f in run_lint(project).findings}
    assert "CORS305" in rules and "CORS105" not in rules
