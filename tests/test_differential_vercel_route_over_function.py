"""Differential truth for held-out set 20's leftover (iamchapita/Codeverse-Backend
vercel.json:19): vercel.json route headers in front of a function whose `cors()` writes the
same headers.

Vercel's side is read from `vercel dev` (vercel/vercel packages/cli/src/util/dev/server.ts):
the matched route's `headers` are set on the response first, then the function's response
headers are set over them by name, so each header is sent once, the function's where it
writes one. The function's side runs for real: the fixture's own entry module with the pinned
express and cors (tests/node/entry_app_harness.mjs). What the browser gets is that merge; the
CORS302 message must name exactly the route values it never receives and those it does.
"""

from __future__ import annotations

from typing import Any

from corslint.http import Request
from tests.conftest import FIXTURES, run_lint
from tests.test_differential_express import require_node_package
from tests.test_differential_imported_app_order import entry_answers

PROJECT = FIXTURES / "vercel_netlify" / "legacy_route_headers_over_express_cors"
CLEAN = FIXTURES / "vercel_netlify" / "legacy_route_headers_repeat_express_cors_clean"
ROUTE = {  # vercel.json's route headers, lower-cased
    "access-control-allow-origin": "https://atelier.example.com",
    "access-control-allow-methods": "GET, POST",
    "access-control-allow-headers": "Content-Type",
}
ORIGINS = ("https://atelier.example.com", "https://studio.atelier.example.com", "https://attacker.example")


def _requests() -> list[Request]:
    preflight = (("access-control-request-method", "PUT"),)
    return [
        request
        for origin in ORIGINS
        for request in (
            Request("OPTIONS", origin, preflight, path="/pieces/1"),
            Request("GET", origin, path="/pieces"),
        )
    ]


def _browser_gets(real: dict[str, Any], route: dict[str, str]) -> dict[str, list[str]]:
    """Vercel's merge: the route's headers, each replaced by the function's of that name."""
    merged: dict[str, list[str]] = {name: [value] for name, value in route.items()}
    own: dict[str, list[str]] = {}
    for name, value in real["headers"]:
        own.setdefault(name.lower(), []).append(value)
    merged.update(own)
    return merged


def test_the_function_replaces_the_route_headers_it_writes() -> None:
    for needed in ("express", "cors"):
        require_node_package(needed)
    requests = _requests()
    answers = entry_answers(PROJECT, "index.js", requests)
    never, reaching = set(ROUTE), set()
    for request, real in zip(requests, answers, strict=True):
        merged = _browser_gets(real, ROUTE)
        own = {k.lower() for k, _ in real["headers"]}
        for name, value in ROUTE.items():
            read = request.method == "OPTIONS" or name == "access-control-allow-origin"
            if read and merged[name] == [value]:
                never.discard(name)  # the route's value is what the browser reads here
                if name not in own:
                    reaching.add(name)  # and it is the route's own, the function wrote none
        assert all(len(values) == 1 for values in merged.values()), merged
    # measured: cors() writes its own Allow-Methods and Allow-Headers on every preflight, and
    # no Allow-Origin for an origin outside its list, where the route's then reaches the browser
    assert never == {"access-control-allow-methods", "access-control-allow-headers"}
    assert reaching == {"access-control-allow-origin"}
    (finding,) = [f for f in run_lint(PROJECT).findings if f.rule_id == "CORS302"]
    assert "never receives vercel.json's `Access-Control-Allow-Methods: GET, POST`, " in finding.message
    assert "`Access-Control-Allow-Headers: Content-Type`" in finding.message
    assert (
        "vercel.json's `Access-Control-Allow-Origin: https://atelier.example.com` reaches" in finding.message
    )


def test_a_route_repeating_the_function_is_no_second_policy() -> None:
    for needed in ("express", "cors"):
        require_node_package(needed)
    requests = _requests()
    for request, real in zip(requests, entry_answers(CLEAN, "index.js", requests), strict=True):
        own = {k.lower(): v for k, v in real["headers"]}
        for name, value in ROUTE.items():
            if request.method == "OPTIONS" or name == "access-control-allow-origin":
                # the function writes each header the browser reads here, with the route's value
                assert own.get(name) == value, (request, real)
    assert not [f for f in run_lint(CLEAN).findings if f.rule_id == "CORS302"]
