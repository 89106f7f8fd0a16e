"""CORS302 between hand-written Express headers registered before the app's `cors()` and
that `cors()` (rules/express_layer_order.py): the hand-written layer runs first. Each
fixture's entry module runs with the pinned express and cors
(tests/node/entry_app_harness.mjs), and the message corslint gives is checked against
who answered the preflight and whose headers the other responses carry.

- gatekeeper_middleware_before_cors: the middleware ends the preflights of listed origins
  itself (204 without Allow-Methods, so a DELETE fails: CORS206) and refuses the others;
  blind set 19, ALin837/My-Chat-App `api/middleware/allow.js`.
- credentials_middleware_before_cors: the middleware hands every request on, and the
  `cors()` answers the preflight over the headers it wrote."""

from __future__ import annotations

from corslint.http import Request
from tests.conftest import FIXTURES, run_lint
from tests.test_differential_express import require_node_package
from tests.test_differential_imported_app_order import entry_answers

EXPRESS = FIXTURES / "express"


def _headers(real: dict) -> dict[str, str]:
    return {name.lower(): value for name, value in real["headers"]}


def _preflight(origin: str, path: str) -> Request:
    asked = (("access-control-request-method", "DELETE"), ("access-control-request-headers", "authorization"))
    return Request("OPTIONS", origin, asked, path=path)


def _cors302(project_name: str) -> str:
    findings = [f for f in run_lint(EXPRESS / project_name).findings if f.rule_id == "CORS302"]
    assert len(findings) == 1, findings
    return findings[0].message


def test_a_middleware_ending_preflights_answers_them_before_cors() -> None:
    for needed in ("express", "cors"):
        require_node_package(needed)
    listed = "https://bookings.studio.example"
    preflight, get, foreign = entry_answers(
        EXPRESS / "gatekeeper_middleware_before_cors",
        "index.js",
        [
            _preflight(listed, "/slots/3"),
            Request("GET", listed, path="/slots", credentials=True),
            _preflight("https://elsewhere.example", "/slots/3"),
        ],
    )
    # the middleware's own 204: no Allow-Methods (cors() would send its default list)
    assert preflight["status"] == 204
    assert "access-control-allow-methods" not in _headers(preflight)
    # on a GET the cors() runs after it and adds its Vary
    assert _headers(get)["vary"] == "Origin"
    assert _headers(get)["access-control-allow-origin"] == listed
    assert foreign["status"] == 403
    message = _cors302("gatekeeper_middleware_before_cors")
    assert "registered before the `cors()` and ends the preflights it accepts itself" in message
    assert "never sees one" not in message


def test_a_middleware_passing_on_leaves_preflights_to_cors() -> None:
    for needed in ("express", "cors"):
        require_node_package(needed)
    listed = "https://tracker.example.app"
    (preflight,) = entry_answers(
        EXPRESS / "credentials_middleware_before_cors", "server.js", [_preflight(listed, "/api/workouts/3")]
    )
    # cors() answers it (its default methods), over the credentials header written first
    answered = _headers(preflight)
    assert answered["access-control-allow-methods"] == "GET,HEAD,PUT,PATCH,POST,DELETE"
    assert answered["access-control-allow-credentials"] == "true"
    message = _cors302("credentials_middleware_before_cors")
    assert "hands every request on: the `cors()` then answers the preflights" in message
