"""Differential: the methods corslint reads from routers a package's `__init__` re-exports
(`from notebook.notes.views import router`), through `include_router` chains and a router
subclass, are the methods the real FastAPI app serves; and the real CORSMiddleware refuses
the preflight of the one its `allow_methods` leaves out."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_lint
from tests.python_apps import fixture_module

testclient = pytest.importorskip("fastapi.testclient")

FIXTURE = Path(__file__).parent / "fixtures" / "starlette" / "router_reexported_through_packages"
ORIGIN = "https://notebook.example.org"
PROBED = ("GET", "POST", "PUT", "PATCH", "DELETE")


def test_reexported_router_methods_match_fastapi() -> None:
    result = run_lint(FIXTURE)
    (policy,) = [p for p in result.policies if p.framework == "starlette"]
    assert policy.routes is not None
    seen = {method for route in policy.routes for method in route.methods}
    # the fixture's own app on real FastAPI (another fixture's `notebook` package may be loaded)
    with fixture_module(FIXTURE, "notebook.main", ["notebook"]) as main:
        client = testclient.TestClient(main.app)
        served = {  # under the prefixes the routers add: /api + /v2 + /notes
            method
            for method in PROBED
            for path in ("/api/v2/notes/", "/api/v2/notes/1")
            if client.request(method, path, json={"title": "renamed"}).status_code != 405
        }
        preflight = {
            method: client.options(
                "/api/v2/notes/1",
                headers={"Origin": ORIGIN, "Access-Control-Request-Method": method},
            ).status_code
            for method in ("PATCH", "DELETE")
        }
    assert seen == served == {"GET", "POST", "PATCH", "DELETE"}
    assert preflight == {"PATCH": 400, "DELETE": 200}
    assert [f.rule_id for f in result.findings] == ["CORS202"]
