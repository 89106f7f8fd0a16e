"""Differential truth for sweep 12 X2: `app.use(cors())` registered after every route of
its app (the routes given to the app by the module it is imported from).

Express runs layers in registration order: each route ends its request before cors() is
reached, so the routes' answers carry no Access-Control-Allow-Origin, while preflights
(which no route ends: the router's own OPTIONS answer comes only at the end of the stack)
and 404s reach cors() and get its `*`. corslint reports the layer's CORS303 and no
CORS105 ("any website can read responses": no response with data carries `*`)."""

from __future__ import annotations

from corslint.http import Request
from tests.conftest import FIXTURES, run_lint
from tests.test_differential_express import require_node_package
from tests.test_differential_imported_app_order import entry_answers

PROJECT = FIXTURES / "express" / "cors_after_every_route"
ORIGIN = "https://maps.example.net"


def _headers(real: dict) -> dict[str, str]:
    return {name.lower(): value for name, value in real["headers"]}


def test_only_preflights_and_404s_reach_a_cors_after_every_route() -> None:
    for needed in ("express", "cors"):
        require_node_package(needed)
    preflight = Request(
        "OPTIONS",
        ORIGIN,
        (("access-control-request-method", "POST"), ("access-control-request-headers", "content-type")),
        path="/api/trails",
    )
    read = Request("GET", ORIGIN, path="/api/trails")
    write = Request("POST", ORIGIN, (("content-type", "application/json"),), path="/api/trails")
    missing = Request("GET", ORIGIN, path="/api/elsewhere")
    real_preflight, real_read, real_write, real_missing = entry_answers(
        PROJECT, "server.js", [preflight, read, write, missing]
    )
    # the preflight falls through the routes into cors(): it succeeds
    assert real_preflight["status"] == 204, real_preflight
    assert _headers(real_preflight).get("access-control-allow-origin") == "*"
    # the routes answer before cors() runs: no CORS header on any data
    for answer in (real_read, real_write):
        assert answer["status"] in (200, 201), answer
        assert "access-control-allow-origin" not in _headers(answer), answer
    # only what no route answers gets the `*`
    assert real_missing["status"] == 404
    assert _headers(real_missing).get("access-control-allow-origin") == "*"
    findings = run_lint(PROJECT).findings
    rules = sorted(f.rule_id for f in findings)
    assert rules == ["CORS303"], findings
    assert "preflights (204 with its headers, so they succeed)" in findings[0].message
