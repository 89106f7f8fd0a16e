"""Differential truth for two CORS layers on one Starlette app (CORS302 and its messages,
corslint/rules/starlette_layers.py), on the real Starlette / FastAPI in /work/venv.

- starlette/crash_handler_repeats_cors_policy: an `@app.middleware("http")` that puts
  the CORSMiddleware's own list, pattern and credentials back on every answer (sweep 12
  X4). Each answer carries one Allow-Origin, the middleware's: corslint reports nothing.
- starlette/crash_handler_widens_cors_policy: the same, with one more origin. That origin
  reads simple answers (with the middleware's credentials) and fails every preflight:
  CORS302, whose message says one Allow-Origin, a mix of both policies.
- two CORSMiddleware (starlette/duplicate_middleware's shape): the outer one ends every
  preflight, both write on other requests."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.testclient import TestClient

from tests.conftest import FIXTURES, run_lint
from tests.python_apps import fixture_module

REPEATS = FIXTURES / "starlette" / "crash_handler_repeats_cors_policy"
WIDENS = FIXTURES / "starlette" / "crash_handler_widens_cors_policy"
CONSOLE = "https://admin.ledger.example.org"
REVIEW = "https://fix-totals.review.ledger.example.org"
PARTNER = "https://books.partner.example.net"
ATTACKER = "https://attacker.invalid"
PREFLIGHT = {"Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "authorization"}


def _client(project: Path) -> Iterator[TestClient]:
    for loaded in [m for m in sys.modules if m.split(".")[0] == "ledger"]:
        del sys.modules[loaded]  # another fixture's `ledger` package, left by another test
    with fixture_module(project, "ledger.main", {"ledger"}) as module:
        yield TestClient(module.app)


@pytest.fixture()
def repeats() -> Iterator[TestClient]:
    yield from _client(REPEATS)


@pytest.fixture()
def widens() -> Iterator[TestClient]:
    yield from _client(WIDENS)


def _origins(response: object) -> list[str]:
    return response.headers.get_list("access-control-allow-origin")  # type: ignore[attr-defined]


def test_repeating_layer_sends_one_value_the_middlewares(repeats: TestClient) -> None:
    for origin in (CONSOLE, REVIEW):
        answer = repeats.get("/entries", headers={"Origin": origin})
        assert _origins(answer) == [origin]
        assert answer.headers.get_list("access-control-allow-credentials") == ["true"]
        preflight = repeats.options("/entries", headers={"Origin": origin, **PREFLIGHT})
        assert preflight.status_code == 200 and _origins(preflight) == [origin]
    for origin in (ATTACKER, "null", "https://review.ledger.example.org"):
        assert _origins(repeats.get("/entries", headers={"Origin": origin})) == []
        assert repeats.options("/entries", headers={"Origin": origin, **PREFLIGHT}).status_code == 400


def test_corslint_reports_nothing_on_the_repeating_layer() -> None:
    result = run_lint(REPEATS)
    assert [f.rule_id for f in result.findings] == []
    assert {p.framework for p in result.policies} == {"starlette", "starlette_headers"}


def test_widening_layer_mixes_the_policies(widens: TestClient) -> None:
    answer = widens.get("/entries", headers={"Origin": PARTNER})
    assert _origins(answer) == [PARTNER]  # one value, the layer's
    assert answer.headers.get_list("access-control-allow-credentials") == ["true"]
    preflight = widens.options("/entries", headers={"Origin": PARTNER, **PREFLIGHT})
    assert preflight.status_code == 400  # CORSMiddleware refused it; the layer's header does not help
    assert _origins(widens.get("/entries", headers={"Origin": CONSOLE})) == [CONSOLE]


def test_corslint_reports_the_widening_layer_without_two_values() -> None:
    findings = [f for f in run_lint(WIDENS).findings if f.rule_id == "CORS302"]
    assert len(findings) == 1
    message = findings[0].message
    assert "one `Access-Control-Allow-Origin`, but a mix of both policies" in message
    assert "two `Access-Control-Allow-Origin` values" not in message


def test_two_cors_middlewares_outer_one_ends_preflights() -> None:
    app = FastAPI()
    app.add_middleware(CORSMiddleware, allow_origins=["https://a.example"], allow_credentials=True)
    app.add_middleware(CORSMiddleware, allow_origins=["https://b.example"], allow_methods=["GET"])

    @app.get("/p")
    def p() -> list[int]:
        return []

    client = TestClient(app)
    inner = client.get("/p", headers={"Origin": "https://a.example"})
    assert _origins(inner) == ["https://a.example"]
    outer = client.get("/p", headers={"Origin": "https://b.example"})
    assert _origins(outer) == ["https://b.example"]
    assert outer.headers.get("access-control-allow-credentials") == "true"  # the inner one's
    asked = {"Access-Control-Request-Method": "GET"}
    assert client.options("/p", headers={"Origin": "https://a.example", **asked}).status_code == 400
    assert client.options("/p", headers={"Origin": "https://b.example", **asked}).status_code == 200
    message = next(
        f.message
        for f in run_lint(FIXTURES / "starlette" / "duplicate_middleware").findings
        if f.rule_id == "CORS302"
    )
    assert "it answers every preflight itself" in message
    assert "two `Access-Control-Allow-Origin` values" not in message


def test_a_layer_that_appends_is_still_a_second_layer(tmp_path: Path) -> None:
    # `MutableHeaders.append` adds a line: the middleware's value and the layer's both go out
    (tmp_path / "requirements.txt").write_text("fastapi==0.165.0\n")
    (tmp_path / "main.py").write_text(
        "from fastapi import FastAPI\n"
        "from fastapi.middleware.cors import CORSMiddleware\n\n"
        'ORIGINS = ["https://app.example.com"]\n'
        "app = FastAPI()\n"
        'app.add_middleware(CORSMiddleware, allow_origins=ORIGINS, allow_methods=["GET"])\n\n\n'
        '@app.middleware("http")\n'
        "async def again(request, call_next):\n"
        "    response = await call_next(request)\n"
        '    origin = request.headers.get("origin")\n'
        "    if origin in ORIGINS:\n"
        '        response.headers.append("Access-Control-Allow-Origin", origin)\n'
        "    return response\n"
    )
    findings = [f for f in run_lint(tmp_path).findings if f.rule_id == "CORS302"]
    assert len(findings) == 1
    assert "two `Access-Control-Allow-Origin` values" in findings[0].message
    app = FastAPI()
    app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"], allow_methods=["GET"])

    @app.middleware("http")
    async def again(request: object, call_next: object) -> object:
        response = await call_next(request)  # type: ignore[operator]
        response.headers.append("Access-Control-Allow-Origin", "https://app.example.com")
        return response

    @app.get("/p")
    def p() -> list[int]:
        return []

    answer = TestClient(app).get("/p", headers={"Origin": "https://app.example.com"})
    assert _origins(answer) == ["https://app.example.com", "https://app.example.com"]
