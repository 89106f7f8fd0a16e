"""Differential truth: corslint's model of a project's Fetch-API port of the `cors` package
(`fetch_cors_port`, frameworks/nextjs_cors.py) against the port itself.

The fixture tests/fixtures/nextjs/route_vendored_cors_port holds such a port (`lib/cors.js`,
after Vercel's edge example, with its own defaults). tests/node/cors_port_harness.mjs imports
it and calls it as the route handlers do, `cors(request, new Response("ok"), options)`, for
the options corslint extracts at each call and for the synthetic `cors` options of
test_differential_express (each merged over the port's defaults, as a call merges them).
Status and CORS headers must equal the model's answer; what the model passes on is the
handler's 200."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from corslint.frameworks import framework_of
from corslint.http import Request
from corslint.model import CorsPolicy, FunctionValue, Regex, UnresolvedValueError, Value
from tests.conftest import FIXTURES, policies_linted_inside
from tests.probe_battery import battery
from tests.test_differential_express import (
    SYNTHETIC,
    answer_mismatch,
    known_options,
    require_node_package,
    run_harness,
    wire,
)

PROJECT = FIXTURES / "nextjs" / "route_vendored_cors_port"
PORT = PROJECT / "lib" / "cors.js"


def _stateful_or_function(policy: CorsPolicy) -> bool:
    """Origin callbacks (this port takes none) and `g`/`y` RegExps (state between calls)."""
    for value in policy.options.values():
        for item in value.walk():
            if isinstance(item.raw, FunctionValue):
                return True
            if isinstance(item.raw, Regex) and set(item.raw.flags) & {"g", "y"}:
                return True
    return False


def _policies() -> list[tuple[str, CorsPolicy]]:
    fixture = sorted(policies_linted_inside(PROJECT, "fetch_cors_port"), key=lambda p: p.location.line)
    found = [(f"{p.location.path}:{p.location.line}", p) for p in fixture]
    bare = next(p for p in fixture if p.location.path.endswith("session/route.js"))
    for name, policy in SYNTHETIC.items():
        merged = dataclasses.replace(bare, options={**bare.options, **policy.options})
        if "preflightContinue" in policy.options:
            # the extractor records the status of the response the OPTIONS export hands the
            # port; the harness hands it `new Response("ok")`, 200
            handed = Value(200, policy.options["preflightContinue"].location)
            merged = dataclasses.replace(merged, options={**merged.options, "optionsSuccessStatus": handed})
        if not _stateful_or_function(merged):
            found.append((name, merged))
    return found


def _run(cases: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    return run_harness(cases, script="cors_port_harness.mjs")


@pytest.fixture(scope="module")
def answers() -> list[tuple[str, CorsPolicy, Request, dict[str, Any]]]:
    require_node_package("express")  # node itself; the port needs no package
    cases, expected = [], {}
    for name, policy in _policies():
        options = known_options(policy)
        if options is None:
            continue
        requests = battery(policy, ("GET", "POST"))
        cases.append(
            {"name": name, "module": str(PORT), "options": options, "requests": [wire(r) for r in requests]}
        )
        expected[name] = (policy, requests)
    results = _run(cases)
    return [
        (name, policy, request, real)
        for name, (policy, requests) in expected.items()
        for request, real in zip(requests, results[name], strict=True)
    ]


def test_model_matches_the_port(answers: list[tuple[str, CorsPolicy, Request, dict[str, Any]]]) -> None:
    mismatches, compared = [], 0
    for name, policy, request, real in answers:
        try:
            predicted = framework_of(policy).respond(policy, request)
        except UnresolvedValueError:
            continue
        methods = {m for route in policy.routes or () for m in route.methods}
        if request.method != "OPTIONS" and methods and request.method not in methods:
            continue  # another export answers it: this call never sees it
        status = predicted.status if predicted.status is not None else 200
        where = f"{name}: {request.method} Origin={request.origin} {dict(request.headers)}"
        mismatch = answer_mismatch(where, real, predicted, status)
        if mismatch is not None:
            mismatches.append(mismatch)
        compared += 1
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 500
    assert len({name for name, *_ in answers if ":" in name}) == 3  # the fixture's calls


def test_a_route_without_an_options_export_gets_next_js_own_preflight_answer() -> None:
    bare = next(
        p
        for p in policies_linted_inside(PROJECT, "fetch_cors_port")
        if p.location.path.endswith("session/route.js")
    )
    alone = dataclasses.replace(bare, evidence=())  # as if the route exported no OPTIONS
    preflight = Request("OPTIONS", "https://a.example", (("access-control-request-method", "PUT"),), path="/")
    answer = framework_of(alone).respond(alone, preflight)
    assert answer.status == 204 and answer.get("access-control-allow-origin") is None
    assert (
        framework_of(bare).respond(bare, preflight).get("access-control-allow-origin") == "https://a.example"
    )
