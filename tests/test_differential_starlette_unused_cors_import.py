"""A `BaseHTTPMiddleware` that stamps CORS headers onto `call_next`'s responses, in a module
that imports Starlette's CORSMiddleware but never adds it (fixture
python_headers/starlette_dispatch_unused_cors_middleware_import; seen in
DemetrioReyes/cv-checker middleware.py). Measured with Starlette 1.10: the preflight
reaches the routes, which have no OPTIONS handler, and gets 405 (with the stamped headers),
so the browser refuses it: CORS206. When another module does add CORSMiddleware, the
preflights are its answers and stay unknown."""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request as StarletteRequest
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from corslint.frameworks.python_headers import respond
from corslint.http import Request
from tests.conftest import FIXTURES, run_lint

PROJECT = FIXTURES / "python_headers" / "starlette_dispatch_unused_cors_middleware_import"
ORIGIN = "https://shop.example.org"


class OpenHeaders(BaseHTTPMiddleware):  # the fixture's middleware, written again here
    async def dispatch(self, request: StarletteRequest, call_next):  # type: ignore[no-untyped-def]
        response = await call_next(request)
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "Content-Type"
        return response


async def estimate(request: StarletteRequest) -> Response:
    return JSONResponse({"total": 0})


CLIENT = TestClient(
    Starlette(
        routes=[Route("/quotes/estimate", estimate, methods=["POST"])],
        middleware=[Middleware(OpenHeaders)],
    )
)
PREFLIGHT = {
    "Origin": ORIGIN,
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "content-type",
}


def test_the_preflight_reaches_the_routes_and_gets_405() -> None:
    response = CLIENT.options("/quotes/estimate", headers=PREFLIGHT)
    assert response.status_code == 405
    assert response.headers.get("access-control-allow-origin") == "*"  # stamped, still refused


def test_corslint_models_the_405() -> None:
    result = run_lint(PROJECT)
    found = sorted((f.rule_id, f.location.path.rsplit("/", 1)[-1], f.location.line) for f in result.findings)
    assert found == [("CORS105", "headers.py", 9), ("CORS206", "headers.py", 9)]
    policy = next(p for p in result.policies if p.framework == "starlette_headers")
    preflight = Request(
        "OPTIONS",
        ORIGIN,
        (("access-control-request-method", "POST"), ("access-control-request-headers", "content-type")),
        path="/quotes/estimate",
    )
    answer = respond(policy, preflight)
    assert answer.status is None  # no route answers OPTIONS: Starlette's 405
    assert answer.get("Access-Control-Allow-Origin") == "*"


LAYER = (
    "from fastapi.middleware.cors import CORSMiddleware\n"
    "from starlette.middleware.base import BaseHTTPMiddleware\n\n\n"
    "class Stamp(BaseHTTPMiddleware):\n"
    "    async def dispatch(self, request, call_next):\n"
    "        response = await call_next(request)\n"
    '        response.headers["Access-Control-Allow-Origin"] = "*"\n'
    "        return response\n"
)


def test_cors_middleware_added_by_another_module_keeps_preflights_unknown(in_tmp: Path) -> None:
    Path("requirements.txt").write_text("fastapi\n", "utf-8")
    Path("layer.py").write_text(LAYER, "utf-8")
    Path("main.py").write_text(
        "from fastapi import FastAPI\n"
        "from layer import CORSMiddleware, Stamp\n\n"
        "app = FastAPI()\n"
        "app.add_middleware(Stamp)\n"
        'app.add_middleware(CORSMiddleware, allow_origins=["https://a.example.com"])\n',
        "utf-8",
    )
    rules = {f.rule_id for f in run_lint(Path(".")).findings}
    assert "CORS206" not in rules
