"""Differential truth for a home-made Cloud Functions decorator (fixture
python_headers/gcf_key_decorator_module_headers, the shape of amor71/alpaca-gcp-proxy's
`@auth`): the real functions-framework 3.8 app built from the fixture's function,
compared with corslint's model of the decorator. The model judges the answers to
requests that pass the key check (a caller's own); those without a key are refused
with no CORS headers at all."""

from __future__ import annotations

import sys

import pytest

from corslint.frameworks.python_headers import respond
from corslint.http import Request
from corslint.model import CorsPolicy
from tests.conftest import FIXTURES, run_lint
from tests.probe_battery import cors_headers

functions_framework = pytest.importorskip("functions_framework")

PROJECT = FIXTURES / "python_headers" / "gcf_key_decorator_module_headers"
ORIGINS = ["https://any-site.example", "null", None]


@pytest.fixture(scope="module")
def client():  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(PROJECT))
    try:
        app = functions_framework.create_app("list_notes", str(PROJECT / "notes" / "main.py"))
    finally:
        sys.path.remove(str(PROJECT))
    return app.test_client()


def policy() -> CorsPolicy:
    (found,) = [p for p in run_lint(PROJECT).policies if p.location.path.endswith("shared/__init__.py")]
    return found


def test_keyed_answers_match_the_model(client) -> None:  # type: ignore[no-untyped-def]
    modelled = policy()
    for method in ("GET", "POST"):
        for origin in ORIGINS:
            for query in ("", "?format=text"):
                headers = {"X-Api-Key": "k-1"} | ({"Origin": origin} if origin else {})
                real = client.open(f"/{query}", method=method, headers=headers)
                model = respond(modelled, Request(method, origin, path="/"))
                assert cors_headers(list(real.headers.items())) == cors_headers(list(model.headers))
                assert real.status_code == 200


def test_keyless_requests_are_refused_without_headers(client) -> None:  # type: ignore[no-untyped-def]
    real = client.get("/", headers={"Origin": "https://any-site.example"})
    assert real.status_code == 401
    assert cors_headers(list(real.headers.items())) == {}


def test_preflight_is_the_helpers_answer(client) -> None:  # type: ignore[no-untyped-def]
    real = client.options(
        "/", headers={"Origin": "https://any-site.example", "Access-Control-Request-Method": "POST"}
    )
    assert real.status_code == 204
    assert cors_headers(list(real.headers.items()))["access-control-allow-origin"] == "*"
