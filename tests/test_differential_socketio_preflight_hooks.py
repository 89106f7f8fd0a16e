"""Differential truth for socket.io's `handlePreflightRequest` option (extractors/express/
socketio_preflight_hooks.py) on the real socket.io 2.4.1 and 4.8.1
(tests/node/socketio_preflight_harness.js):

- socket.io 2: the hook answers the OPTIONS requests to the socket.io path, with the headers
  the model gives them; the GET and POST the endpoint serves are engine.io's, with the same
  Allow-Origin and Allow-Credentials the model gives them (what CORS101 and CORS107 judge),
  and every other method is refused, so the policy's routes (GET, POST) are what it serves;
- socket.io 4: the option is ignored (no CORS header on any answer): the model has no policy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from corslint.http import Request
from corslint.model import CorsPolicy
from tests.conftest import FIXTURES, policies_linted_inside
from tests.probe_battery import battery
from tests.test_differential_express import framework_of, require_node_package, run_harness, wire

V2 = FIXTURES / "socketio" / "node_v2_preflight_hook_reflect"
V4 = FIXTURES / "socketio" / "node_v4_leftover_preflight_hook_clean"
POLLING = "/socket.io/?EIO=3&transport=polling"
CORS_NAMES = ("access-control-allow-origin", "access-control-allow-credentials")


def _headers(real: dict[str, Any]) -> dict[str, str]:
    return {name.lower(): value for name, value in real["headers"]}


def _requests() -> list[Request]:
    """The probe battery (simple requests, preflights) sent to the polling endpoint."""
    sent = [
        Request(r.method, r.origin, r.headers, path=POLLING)
        for r in battery(policy_from(V2), ("GET", "POST"))
    ]
    return [*sent, Request("GET", "https://shifts.example.net", path=POLLING)]


def policy_from(project: Path) -> CorsPolicy:
    policies = policies_linted_inside(project, "node_headers")
    assert len(policies) == 1
    return policies[0]


def test_socketio_2_hook_answers_preflights_engineio_the_rest() -> None:
    require_node_package("socket.io-2")
    policy = policy_from(V2)
    assert {m for route in policy.routes or () for m in route.methods} == {"GET", "POST"}
    requests = _requests()
    hook = str(V2 / "src" / "realtime" / "polling-cors.js")
    cases = [
        {
            "name": "v2",
            "major": 2,
            "hook": hook,
            "export": "allowPolling",
            "requests": [wire(r) for r in requests],
        }
    ]
    real = run_harness(cases, script="socketio_preflight_harness.js")["v2"]
    compared = 0
    for request, answer in zip(requests, real, strict=True):
        predicted = framework_of(policy).respond(policy, request)
        headers = _headers(answer)
        if request.method == "OPTIONS":
            assert answer["status"] == predicted.status, request
            for name in (*CORS_NAMES, "access-control-allow-headers", "access-control-allow-methods"):
                assert headers.get(name) == predicted.get(name), (request, name, headers)
        elif request.method in {"GET", "POST"} and request.origin is not None:
            for name in CORS_NAMES:
                assert headers.get(name) == predicted.get(name), (request, name, headers)
            assert "vary" not in headers  # engine.io 3 reflects without Vary (CORS107)
        else:
            assert answer["status"] == 400 or request.origin is None, (request, answer)  # refused
            continue
        compared += 1
    assert compared > 20


def test_socketio_4_ignores_the_hook() -> None:
    require_node_package("socket.io-4")
    assert policies_linted_inside(V4, "node_headers") == []
    requests = _requests()
    hook = str(V2 / "src" / "realtime" / "polling-cors.js")
    cases = [
        {
            "name": "v4",
            "major": 4,
            "hook": hook,
            "export": "allowPolling",
            "requests": [wire(r) for r in requests],
        }
    ]
    real = run_harness(cases, script="socketio_preflight_harness.js")["v4"]
    assert len(real) == len(requests)
    for answer in real:
        assert not any(name.lower().startswith("access-control-") for name, _ in answer["headers"])
