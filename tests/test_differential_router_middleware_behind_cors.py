"""Differential truth for a hand-written middleware an exported router `.use`s, the router
mounted after an app-wide `cors()` (extractors.express.handwritten with
`mounted_router_cors.outer_cors_mount`): the fixture's server runs on the real `cors`
package and express (the router module inlined), and the middleware's policy (the app's
`cors()` answering its preflights, its Vary and Allow-Credentials first) must answer every
request as the server does."""

from __future__ import annotations

from corslint.browser import PageRequest
from corslint.http import Request
from tests.conftest import FIXTURES, policies_linted_inside
from tests.test_differential_express import compare_answers, require_node_package, run_harness, wire

_NAME = "router_middleware_behind_app_cors"
_ORIGINS = ("https://evil.example", "https://till.example.shop", None)


def test_router_middleware_answers_as_the_server() -> None:
    require_node_package("cors")
    project = FIXTURES / "express" / _NAME
    (policy,) = policies_linted_inside(project, "express_headers")
    requests: list[Request] = []
    for origin in _ORIGINS:
        if origin is None:
            requests.append(Request("GET", None, path="/receipts/7"))
            continue
        requests.append(PageRequest(origin, "GET", credentials=True, path="/receipts/7").actual())
        requests.append(PageRequest(origin, "GET", path="/receipts/7").actual())
    router = (project / "routes" / "receipts.js").read_text("utf-8")
    router = router.replace('const express = require("express");', "").replace(
        "module.exports = router;", "return router;"
    )
    server = (project / "server.js").read_text("utf-8").replace("app.listen(4100);", "")
    server = server.replace(
        'const receipts = require("./routes/receipts");', f"const receipts = (() => {{\n{router}\n}})();"
    )
    case = {
        "kind": "node",
        "name": _NAME,
        "preamble": server,
        "source": "app",
        "requests": [wire(request) for request in requests],
    }
    real = run_harness([case])[_NAME]
    mismatches, compared = compare_answers(policy, requests, real)
    assert not mismatches, "\n".join(mismatches)
    assert compared == len(requests)
