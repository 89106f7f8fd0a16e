"""Differential truth for sweep 12 X4: a second CORS layer of the same library with the
same options as the first (dsm-cefet-rj/ti-2024-1-grupo-2-1: `cors({ origin: '*' })` on the
app and again on a router it mounts). cors 2.8 writes with `res.setHeader`, which replaces a
header of the same name, and the first layer ends every preflight itself; Starlette's
CORSMiddleware assigns header items the same way. Each answer then carries one set of CORS
headers, the first layer's, so CORS302 ("one overrides or mixes with the other, responses
can carry two Access-Control-Allow-Origin values") must not be reported."""

from __future__ import annotations

from corslint.findings import Finding
from corslint.http import Request
from tests.conftest import FIXTURES, run_lint
from tests.test_differential_express import require_node_package
from tests.test_differential_imported_app_order import entry_answers

PROJECT = FIXTURES / "express" / "same_cors_on_app_and_router"
ORIGIN = "https://adopt.example.org"


def _values(real: dict, name: str) -> list[str]:
    return [value for key, value in real["headers"] if key.lower() == name]


def test_two_identical_cors_layers_send_one_set_of_headers() -> None:
    for needed in ("express", "cors"):
        require_node_package(needed)
    preflight = Request("OPTIONS", ORIGIN, (("access-control-request-method", "DELETE"),), path="/pets/Miso")
    read = Request("GET", ORIGIN, path="/pets")
    real_preflight, real_read = entry_answers(PROJECT, "app.js", [preflight, read])
    assert real_preflight["status"] == 204
    for answer in (real_preflight, real_read):
        assert _values(answer, "access-control-allow-origin") == ["*"], answer
    assert _values(real_preflight, "access-control-allow-methods") == ["GET,HEAD,PUT,PATCH,POST,DELETE"]
    findings = run_lint(PROJECT).findings
    assert not [f for f in findings if f.rule_id == "CORS302"], findings
    assert sorted(f.rule_id for f in findings) == ["CORS105", "CORS105"], findings


def test_two_identical_starlette_layers_send_one_set_of_headers() -> None:
    from starlette.applications import Starlette
    from starlette.middleware.cors import CORSMiddleware
    from starlette.responses import JSONResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient

    def pets(request: object) -> JSONResponse:
        return JSONResponse([])

    app = Starlette(routes=[Route("/pets", pets)])
    for _ in range(2):
        app.add_middleware(
            CORSMiddleware, allow_origins=[ORIGIN], allow_credentials=True, allow_methods=["GET", "DELETE"]
        )
    client = TestClient(app)
    read = client.get("/pets", headers={"origin": ORIGIN})
    assert read.headers.get_list("access-control-allow-origin") == [ORIGIN]
    assert read.headers.get_list("access-control-allow-credentials") == ["true"]
    preflight = client.options("/pets", headers={"origin": ORIGIN, "access-control-request-method": "DELETE"})
    assert preflight.status_code == 200
    assert preflight.headers.get_list("access-control-allow-origin") == [ORIGIN]
    refused = client.get("/pets", headers={"origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in refused.headers
    source = (
        "from fastapi import FastAPI\n"
        "from fastapi.middleware.cors import CORSMiddleware\n\n"
        "app = FastAPI()\n"
        + 'app.add_middleware(CORSMiddleware, allow_origins=["https://adopt.example.org"], '
        'allow_credentials=True, allow_methods=["GET", "DELETE"])\n' * 2
    )
    findings = _lint_source(source)
    assert not [f for f in findings if f.rule_id == "CORS302"], findings


def _lint_source(source: str) -> list[Finding]:
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "main.py").write_text(source)
        (Path(folder) / "requirements.txt").write_text("fastapi\n")
        return list(run_lint(Path(folder)).findings)
