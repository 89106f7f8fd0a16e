"""Differential truth for hand-written Express headers behind an app-wide `cors()` the app
`.use`s by name, imported from its own module (`app.use(corsLayer)` with
`module.exports = cors({...})` in middleware/cors.js; census 10 rows C2 and C3:
12008yz/chibox-game app.js, ABDmalik6605/InvoiceManagementSystem server.js + routes/ai.js).

The fixtures run as `node server.js` would run them, on the pinned express and cors of
tests/node (entry_app_harness.mjs). The real servers show what corslint now reads: the
imported `cors()` ends every preflight (204, its own Allow-Methods / Allow-Headers), so the
hand-written layer's Allow-Methods / Allow-Headers never reach one: no CORS202 for a static
files layer mounted through a helper's array (`app.use('/media', publicFiles(dir))`), no
CORS206 / CORS203 for a route of a router mounted after that `cors()`.
"""

from __future__ import annotations

from typing import Any

import pytest

from corslint.http import Request
from tests.conftest import FIXTURES, run_lint
from tests.test_differential_express import require_node_package
from tests.test_differential_imported_app_order import entry_answers

EXPRESS = FIXTURES / "express"


def _headers(answer: dict[str, Any]) -> dict[str, str]:
    return {name.lower(): value for name, value in answer["headers"]}


@pytest.fixture(autouse=True)
def _packages() -> None:
    for needed in ("express", "cors"):
        require_node_package(needed)


def test_static_helper_layer_never_answers_a_preflight() -> None:
    project = EXPRESS / "static_helper_layer_after_imported_cors"
    shop = "https://shop.bakery.example"
    requests = [
        Request("OPTIONS", shop, (("access-control-request-method", "PUT"),), path="/api/basket/7"),
        Request("OPTIONS", shop, (("access-control-request-method", "DELETE"),), path="/media/croissant.txt"),
        Request("GET", "https://partner.example", path="/media/croissant.txt"),
        Request("GET", shop, path="/media/croissant.txt", credentials=True),
    ]
    put, on_media, partner, own = entry_answers(project, "server.js", requests)
    for preflight in (put, on_media):  # the imported cors() answers, with its own lists
        assert preflight["status"] == 204
        headers = _headers(preflight)
        assert headers["access-control-allow-origin"] == shop
        assert "PUT" in headers["access-control-allow-methods"]
        assert "DELETE" in headers["access-control-allow-methods"]
        assert "Range" not in headers.get("access-control-allow-headers", "")
    assert _headers(partner)["access-control-allow-origin"] == "*"  # the layer's `*` (CORS105)
    assert _headers(own)["access-control-allow-origin"] == "*"

    found = [(f.rule_id, f.location.line) for f in run_lint(project).findings]
    assert found == [("CORS105", 12)]


def test_router_route_headers_never_answer_a_preflight() -> None:
    project = EXPRESS / "router_stream_headers_after_imported_cors"
    site = "https://reports.example.org"
    asked = (("access-control-request-method", "POST"), ("access-control-request-headers", "content-type"))
    requests = [
        Request("OPTIONS", site, asked, path="/api/reports/export"),
        Request("POST", site, (("content-type", "application/json"),), path="/api/reports/export"),
    ]
    preflight, actual = entry_answers(project, "server.js", requests)
    assert preflight["status"] == 204
    headers = _headers(preflight)
    assert headers["access-control-allow-origin"] == site
    assert headers["access-control-allow-headers"].lower() == "content-type"  # cors() reflects the ask
    assert "POST" in headers["access-control-allow-methods"]
    assert actual["status"] == 200
    assert _headers(actual)["access-control-allow-headers"] == "Cache-Control"  # the route's, on its answer

    assert run_lint(project).findings == []
