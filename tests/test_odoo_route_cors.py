"""Odoo's `@http.route(..., cors=...)`. Odoo needs PostgreSQL and is not on PyPI, so no real
server answers here: the expectations are transcribed from its `Dispatcher.pre_dispatch`
(odoo/http.py, 16.0-18.0): Allow-Origin is the option's text on every answer, Allow-Methods
`POST` for JSON-RPC routes and the route's methods otherwise, and OPTIONS is answered 204
with Odoo's fixed Allow-Headers."""

from __future__ import annotations

from pathlib import Path

from corslint.frameworks.python_headers import respond
from corslint.http import Request
from corslint.model import CorsPolicy
from tests.conftest import FIXTURES, policies_linted_inside

PROJECT = FIXTURES / "odoo" / "route_cors_option"
ODOO_PREFLIGHT_HEADERS = "Origin, X-Requested-With, Content-Type, Accept, Authorization"


def _policy(path: str) -> CorsPolicy:
    (found,) = [p for p in policies_linted_inside(PROJECT, "odoo_headers") if p.probe_path == path]
    return found


def test_a_json_route_answers_its_preflight_itself() -> None:
    policy = _policy("/portal/api/catalogue")
    preflight = Request(
        "OPTIONS",
        "https://any.example",
        (("Access-Control-Request-Method", "POST"), ("Access-Control-Request-Headers", "content-type")),
        "/portal/api/catalogue",
    )
    answer = respond(policy, preflight)
    assert answer.status == 204
    assert dict(answer.headers) == {
        "access-control-allow-origin": "*",
        "access-control-allow-methods": "POST",
        "access-control-allow-headers": ODOO_PREFLIGHT_HEADERS,
    }


def test_an_http_route_sends_its_methods_and_the_option_as_written() -> None:
    policy = _policy("/portal/api/orders")
    answer = respond(policy, Request("GET", "https://other.example", (), "/portal/api/orders"))
    assert dict(answer.headers) == {
        "access-control-allow-origin": "http://orders.partner.example",
        "access-control-allow-methods": "GET",
    }


def test_a_route_without_the_option_is_no_layer(tmp_path: Path) -> None:
    module = tmp_path / "ctl.py"
    module.write_text(
        "from odoo import http\n\n\n"
        "class C(http.Controller):\n"
        '    @http.route("/a", type="json", auth="public", cors=None)\n'
        "    def a(self):\n"
        "        return {}\n\n"
        '    @http.route("/b", type="json", auth="public")\n'
        "    def b(self):\n"
        '        return {"cors": "*"}\n'
    )
    assert policies_linted_inside(tmp_path, "odoo_headers") == []
