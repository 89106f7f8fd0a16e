"""Differential truth for set 21 (DanielArndt0/cnpj-api `src/app/app.ts`): @fastify/cors
registered in a setup function handed the instance, `registerPlugins(app)`, while a sibling
`registerRoutes(app)` registers the route plugins (extractors/express/fastify_setup_routes.py).

Both fixtures are built by tests/node/fastify_app_harness.mjs with the pinned fastify 5 and
@fastify/cors 11, whose default methods are `GET,HEAD,POST`. The read-only service's requests
(GET, and a JSON POST after its preflight) all pass, so corslint reports nothing, where it
used to judge the default against PUT/PATCH/DELETE routes it could not see; with a DELETE
route, its preflight is answered without DELETE and corslint reports CORS202."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest

from corslint.http import Request
from tests.conftest import FIXTURES, run_lint
from tests.test_differential_express import NODE_DIR, require_node_package, run_harness, wire

READ_ONLY = FIXTURES / "fastify" / "setup_functions_read_only_clean"
WITH_DELETE = FIXTURES / "fastify" / "setup_functions_delete_route"
HARBOUR = "https://harbour.example.org"


def _preflight(method: str, path: str, headers: str = "") -> Request:
    asked = (("access-control-request-method", method),)
    if headers:
        asked += (("access-control-request-headers", headers),)
    return Request("OPTIONS", HARBOUR, asked, path=path)


def _answers(project: Path, requests: list[Request]) -> list[dict[str, Any]]:
    copy = Path(tempfile.mkdtemp(prefix=".fastify-", dir=NODE_DIR))
    try:
        shutil.copytree(project, copy / project.name)
        case = {
            "name": project.name,
            "entry": str(copy / project.name / "src" / "app.js"),
            "requests": [wire(request) for request in requests],
        }
        return run_harness([case], "fastify_app_harness.mjs")[project.name]
    finally:
        shutil.rmtree(copy)


def _findings(project: Path, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    monkeypatch.chdir(project)  # linted from inside: `tests/` above it is the user's folder
    return list(run_lint(Path(".")).findings)


def _header(answer: dict[str, Any], wanted: str) -> str:
    return ",".join(value for name, value in answer["headers"] if name.lower() == wanted)


def test_the_read_only_service_passes_every_request_it_serves(monkeypatch: pytest.MonkeyPatch) -> None:
    for needed in ("fastify", "@fastify/cors"):
        require_node_package(needed)
    requests = [
        Request("GET", HARBOUR, path="/api/stations"),
        _preflight("POST", "/api/stations/search", "content-type"),
    ]
    read, preflight = _answers(READ_ONLY, requests)
    assert _header(read, "access-control-allow-origin") == HARBOUR, read
    assert _header(preflight, "access-control-allow-origin") == HARBOUR, preflight
    assert "POST" in _header(preflight, "access-control-allow-methods").split(","), preflight
    assert _findings(READ_ONLY, monkeypatch) == []


def test_a_delete_route_is_refused_by_the_default_methods(monkeypatch: pytest.MonkeyPatch) -> None:
    for needed in ("fastify", "@fastify/cors"):
        require_node_package(needed)
    (preflight,) = _answers(WITH_DELETE, [_preflight("DELETE", "/api/stations/nz-wlg")])
    assert _header(preflight, "access-control-allow-origin") == HARBOUR, preflight
    assert "DELETE" not in _header(preflight, "access-control-allow-methods").split(","), preflight
    findings = _findings(WITH_DELETE, monkeypatch)
    assert [(f.rule_id, f.location.line) for f in findings] == [("CORS202", 5)], findings
    assert "DELETE" in findings[0].message
