"""Differential truth for CORS107 on a hand-written Starlette layer beside the app's
CORSMiddleware (fixtures python_headers/starlette_gate_repeats_cors_policy_without_vary and
starlette_gate_own_404_echoes_origin; set 19 reddts/AI_quantrade
fastapi-backend/middlewares/client_auth.py:22,62).

Measured with Starlette 1.10 on the fixtures' own apps: CORSMiddleware adds `Vary: Origin`
to every answer that passes it, so the routes' answers reach the browser with it whichever
layer is outer, although the hand-written layer writes no `Vary`; an answer the outer
layer makes itself (the 404 outside /api/) carries none. corslint reports CORS107 at the
write on that answer only."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.testclient import TestClient

from tests.conftest import FIXTURES, run_lint

REPEATS = FIXTURES / "python_headers" / "starlette_gate_repeats_cors_policy_without_vary"
OWN_404 = FIXTURES / "python_headers" / "starlette_gate_own_404_echoes_origin"
FRONTEND = "https://book.example.travel"
AGENTS = "https://agents.example.travel"


def _fixture_app(project: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"fixture_{project.name}", project / "booking" / "main.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _vary(response: object) -> list[str]:
    lines = response.headers.get_list("vary")  # type: ignore[attr-defined]
    return [part.strip() for line in lines for part in line.split(",")]


@pytest.mark.parametrize("origin", [FRONTEND, AGENTS])
def test_the_routes_answers_carry_the_middlewares_vary(origin: str) -> None:
    client = TestClient(_fixture_app(REPEATS).app)
    response = client.get("/trips", headers={"Origin": origin})
    assert response.headers.get_list("access-control-allow-origin") == [origin]
    assert "Origin" in _vary(response)


def test_either_order_of_the_two_layers_gives_vary() -> None:
    """The hand-written layer inner instead (added before CORSMiddleware): the middleware
    still adds `Vary: Origin` on the way out."""
    gate = _fixture_app(REPEATS).tag_partner_answers
    app = FastAPI()
    app.middleware("http")(gate)
    app.add_middleware(CORSMiddleware, allow_origins=[FRONTEND, AGENTS], allow_credentials=True)

    @app.get("/trips")
    async def trips() -> list[int]:
        return []

    response = TestClient(app).get("/trips", headers={"Origin": AGENTS})
    assert response.headers["access-control-allow-origin"] == AGENTS
    assert "Origin" in _vary(response)


def test_the_outer_layers_own_answer_has_no_vary() -> None:
    client = TestClient(_fixture_app(OWN_404).app)
    own = client.get("/", headers={"Origin": FRONTEND})
    assert own.status_code == 404
    assert own.headers["access-control-allow-origin"] == FRONTEND
    assert "Origin" not in _vary(own)
    routes = client.get("/api/trips", headers={"Origin": FRONTEND})
    assert routes.headers["access-control-allow-origin"] == FRONTEND
    assert "Origin" in _vary(routes)


def test_corslint_reports_cors107_only_where_the_browser_gets_no_vary() -> None:
    repeats = [f for f in run_lint(REPEATS).findings if f.rule_id == "CORS107"]
    assert repeats == []
    own = [f.location.line for f in run_lint(OWN_404).findings if f.rule_id == "CORS107"]
    assert own == [29]  # the 404's write; not line 34, the write on the routes' answers
