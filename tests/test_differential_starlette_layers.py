"""Differential truth for a route helper that writes Access-Control-Allow-Origin on an
app with Starlette's CORSMiddleware (fixture starlette/route_helper_headers_under_cors_middleware):
the middleware answers every preflight itself and `update`s the route's other responses
with its own headers. Measured with Starlette 1.10: an allowed Origin gets the
middleware's value, a refused one keeps the route's `*`, so the two layers mix (CORS302)."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request as StarletteRequest
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from corslint.frameworks.python_headers import respond
from corslint.http import Request
from corslint.model import UnresolvedValueError
from tests.conftest import FIXTURES, run_lint

PROJECT = FIXTURES / "starlette" / "route_helper_headers_under_cors_middleware"
ALLOWED = "https://maps.example.com"
OTHER = "https://elsewhere.example.net"


def cacheable(response: Response) -> Response:  # the fixture's helper, written again here
    response.headers["Cache-Control"] = "public, max-age=120"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


async def nearby(request: StarletteRequest) -> Response:
    return cacheable(JSONResponse({"stops": []}))


CLIENT = TestClient(
    Starlette(
        routes=[Route("/stops/nearby", nearby)],
        middleware=[Middleware(CORSMiddleware, allow_origins=[ALLOWED], allow_methods=["GET"])],
    )
)


def test_the_middleware_answers_every_preflight() -> None:
    for origin in (ALLOWED, OTHER):
        response = CLIENT.options(
            "/stops/nearby", headers={"Origin": origin, "Access-Control-Request-Method": "GET"}
        )
        assert response.headers.get("access-control-allow-origin") != "*"  # the route never ran
        assert "cache-control" not in response.headers


def test_the_middleware_overwrites_for_allowed_origins_only() -> None:
    allowed = CLIENT.get("/stops/nearby", headers={"Origin": ALLOWED})
    assert allowed.headers.get_list("access-control-allow-origin") == [ALLOWED]
    other = CLIENT.get("/stops/nearby", headers={"Origin": OTHER})
    assert other.headers.get_list("access-control-allow-origin") == ["*"]


def test_corslint_keys_the_helper_to_the_app() -> None:
    result = run_lint(PROJECT)
    found = {(f.rule_id, f.location.path.rsplit("/", 1)[-1]) for f in result.findings}
    assert ("CORS302", "caching.py") in found
    library = next(p for p in result.policies if p.framework == "starlette")
    written = next(p for p in result.policies if p.framework == "starlette_headers")
    assert written.app == library.app
    assert (
        respond(written, Request("GET", OTHER, path="/stops/nearby")).get("Access-Control-Allow-Origin")
        == "*"
    )
    with pytest.raises(UnresolvedValueError):  # its preflights are the middleware's answers
        respond(written, Request("OPTIONS", OTHER, (("access-control-request-method", "GET"),)))
