"""Differential truth for a `BaseHTTPMiddleware` class that writes Access-Control-* headers,
defined in one module and added in another to an app that also has Starlette's
CORSMiddleware (fixture python_headers/starlette_dispatch_class_added_beside_cors_elsewhere;
TU-NEBULA/nebula-ai app/main.py + app/middlewares/headers_middleware.py, set 18).

Measured with Starlette 1.10: the class, added last, is the outermost layer. CORSMiddleware
answers every preflight (200 with its Allow-Methods), and the class writes its `*` over
it; the other responses carry the class's `*` beside CORSMiddleware's
`Allow-Credentials: true`: two layers mixed (CORS302), and the class's missing OPTIONS
answer breaks nothing (no CORS206). The same class on another app keeps its CORS206."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request as StarletteRequest
from starlette.testclient import TestClient

from corslint.frameworks.python_headers import respond
from corslint.http import Request
from corslint.model import UnresolvedValueError
from tests.conftest import FIXTURES, run_lint

PROJECT = FIXTURES / "python_headers" / "starlette_dispatch_class_added_beside_cors_elsewhere"
OTHER_APP = FIXTURES / "python_headers" / "starlette_dispatch_class_on_other_app_than_cors"
ALLOWED = "https://books.example.org"
STRANGER = "https://elsewhere.example.net"


class StampCrossSite(BaseHTTPMiddleware):  # the fixture's class, written again here
    async def dispatch(self, request: StarletteRequest, call_next):  # type: ignore[no-untyped-def]
        response = await call_next(request)
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, DELETE"
        response.headers["Access-Control-Allow-Headers"] = "Content-Type"
        return response


def _client(class_last: bool) -> TestClient:
    app = FastAPI()
    if not class_last:
        app.add_middleware(StampCrossSite)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=[ALLOWED],
        allow_credentials=True,
        allow_methods=["GET", "POST", "DELETE"],
        allow_headers=["Content-Type", "Authorization"],
    )
    if class_last:
        app.add_middleware(StampCrossSite)

    @app.delete("/entries/{entry_id}")
    async def remove(entry_id: int) -> dict[str, int]:
        return {"removed": entry_id}

    return TestClient(app)


@pytest.mark.parametrize("class_last", [True, False])
def test_cors_middleware_answers_every_preflight(class_last: bool) -> None:
    client = _client(class_last)
    response = client.options(
        "/entries/3", headers={"Origin": ALLOWED, "Access-Control-Request-Method": "DELETE"}
    )
    assert response.status_code == 200  # not the routes' 405
    assert "DELETE" in response.headers["access-control-allow-methods"]


def test_the_outer_class_mixes_its_star_with_the_inner_credentials() -> None:
    response = _client(class_last=True).delete("/entries/3", headers={"Origin": ALLOWED})
    assert response.headers.get_list("access-control-allow-origin") == ["*"]
    assert response.headers["access-control-allow-credentials"] == "true"
    refused = _client(class_last=True).delete("/entries/3", headers={"Origin": STRANGER})
    assert refused.headers.get_list("access-control-allow-origin") == ["*"]


def test_corslint_keys_the_class_to_the_app_where_it_is_added() -> None:
    result = run_lint(PROJECT)
    found = {(f.rule_id, f.location.path.rsplit("/", 1)[-1], f.location.line) for f in result.findings}
    assert ("CORS302", "main.py", 15) in found
    assert not any(rule == "CORS206" for rule, _, _ in found)
    library = next(p for p in result.policies if p.framework == "starlette")
    written = next(p for p in result.policies if p.framework == "starlette_headers")
    assert written.app == library.app
    assert (
        respond(written, Request("GET", STRANGER, path="/entries")).get("Access-Control-Allow-Origin") == "*"
    )
    with pytest.raises(UnresolvedValueError):  # its preflights are CORSMiddleware's answers
        respond(written, Request("OPTIONS", STRANGER, (("access-control-request-method", "DELETE"),)))


def test_the_class_on_another_app_stays_alone() -> None:
    public = FastAPI()
    public.add_middleware(StampCrossSite)

    @public.put("/votes/{item}")
    async def vote(item: str) -> dict[str, str]:
        return {"item": item}

    preflight = TestClient(public).options(
        "/votes/a", headers={"Origin": STRANGER, "Access-Control-Request-Method": "PUT"}
    )
    assert preflight.status_code == 405  # the routes answer it: the preflight fails
    result = run_lint(OTHER_APP)
    assert {f.rule_id for f in result.findings} == {"CORS105", "CORS206"}
