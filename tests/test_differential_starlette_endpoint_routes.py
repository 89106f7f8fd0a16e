"""Differential: the methods corslint reads from `Route(path, SomeHTTPEndpoint)` are the
methods the real Starlette app answers (not 405) on that route."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

from tests.conftest import run_lint

testclient = pytest.importorskip("starlette.testclient")

FIXTURE = Path(__file__).parent / "fixtures" / "starlette" / "endpoint_class_put_route"
PROBED = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def test_endpoint_class_methods_match_starlette(monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_lint(FIXTURE)
    (policy,) = [p for p in result.policies if p.framework == "starlette"]
    assert policy.routes is not None
    (route,) = policy.routes
    monkeypatch.syspath_prepend(str(FIXTURE))
    app = importlib.import_module("inventory.app").app  # the fixture's own app, on the real Starlette

    client = testclient.TestClient(app)
    answered = {
        method
        for method in PROBED
        if client.request(method, "/stock/bolt", json={"count": 1}).status_code != 405
    }
    sys.modules.pop("inventory.app", None)
    sys.modules.pop("inventory", None)
    assert answered == set(route.methods)
