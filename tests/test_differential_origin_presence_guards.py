"""Differential truth for a `cors` origin callback whose list test carries presence tests
of the Origin (census 10 B6, AitorGallardo/shoppingify-BEv2 src/middlewares/cors.ts, a
course shape): `if (origin !== undefined && origin !== null && accepted.includes(origin))`.
The conjunction of presence tests is read as one presence test, so the callback is the
allow-list it tests (corslint: CORS106 for its dev-server entry, as without the guards).

The fixture express/origin_callback_presence_guards runs as `node server.js` would, on
the pinned express and cors of tests/node; corslint's model of the extracted policy must
send the same Allow-Origin and Allow-Credentials to each Origin."""

from __future__ import annotations

from corslint.frameworks import framework_of
from corslint.http import Request
from corslint.model import FunctionValue
from tests.conftest import FIXTURES, policies_linted_inside
from tests.test_differential_express import require_node_package
from tests.test_differential_imported_app_order import entry_answers

PROJECT = FIXTURES / "express" / "origin_callback_presence_guards"
ORIGINS = ("https://bookings.example.net", "http://localhost:5173", "https://evil.example", None)


def _cors(headers: list[list[str]]) -> dict[str, str]:
    wanted = {"access-control-allow-origin", "access-control-allow-credentials"}
    return {name.lower(): value for name, value in headers if name.lower() in wanted}


def test_guarded_list_test_answers_as_the_real_callback() -> None:
    for needed in ("express", "cors"):
        require_node_package(needed)
    (policy,) = policies_linted_inside(PROJECT, "express")
    origin = policy.options["origin"].raw
    assert isinstance(origin, FunctionValue) and origin.kind == "allow-list"
    assert [entry.raw for entry in origin.allowed] == [
        "https://bookings.example.net",
        "http://localhost:5173",
    ]

    requests = [Request("GET", o, path="/api/slots", credentials=True) for o in ORIGINS]
    real = entry_answers(PROJECT, "server.js", requests)
    respond = framework_of(policy).respond
    for request, answer in zip(requests, real, strict=True):
        predicted = respond(policy, request)
        expected = {
            name: value
            for name, value in predicted.headers
            if name.lower() in {"access-control-allow-origin", "access-control-allow-credentials"}
        }
        assert _cors(answer["headers"]) == {k.lower(): v for k, v in expected.items()}, request.origin
    assert _cors(real[2]["headers"]) == {}  # the refused Origin: no CORS headers at all
    assert _cors(real[1]["headers"])["access-control-allow-origin"] == "http://localhost:5173"
