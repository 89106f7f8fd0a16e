"""Differential truth: corslint's @fastify/cors model against the real package on fastify.

The options corslint extracts from every Fastify fixture (NestJS on the Fastify adapter
included) plus edge-case policies go to tests/node/harness.js ("fastify-cors" cases):
the real `@fastify/cors` (pinned in tests/node/package.json) registered on a fastify app
with GET/POST/PUT/PATCH/DELETE routes on every path. Status and CORS headers must equal
the model's answer header by header.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from corslint.frameworks.fastify_cors_versions import VERSION_OPTION
from corslint.http import Request
from corslint.model import CorsPolicy, Location, OriginFunction, Regex, Value
from tests.conftest import FIXTURES, run_lint
from tests.probe_battery import battery
from tests.test_differential_express import (
    known_options,
    replayed,
    require_node_package,
    run_harness,
    wire,
)

HERE = Location.point("synthetic.js", 1)
FASTIFY_CORS = frozenset({"fastify_cors", "nestjs_fastify"})


def _require_node() -> None:
    require_node_package("@fastify/cors")


def synthetic(**options: Any) -> CorsPolicy:
    def wrap(raw: Any) -> Value:
        if isinstance(raw, (list, tuple)):
            return Value(tuple(wrap(item) for item in raw), HERE)
        return Value(raw, HERE)

    return CorsPolicy("fastify_cors", HERE, {name: wrap(raw) for name, raw in options.items()})


def _function(kind: str, *allowed: Any, no_origin: str = "allow", on_reject: str = "false") -> OriginFunction:
    return OriginFunction(
        kind, tuple(Value(item, HERE) for item in allowed), no_origin=no_origin, on_reject=on_reject
    )


SYNTHETIC: dict[str, CorsPolicy] = {
    "defaults": synthetic(),
    "star-credentials": synthetic(origin="*", credentials=True, exposedHeaders=["X-Total", "X-Page"]),
    "fixed-string": synthetic(origin="https://a.example.com", maxAge=0),
    "array": synthetic(origin=["https://a.example.com", Regex(r"\.example\.org$")], credentials=True),
    "array-with-star": synthetic(origin=["https://a.example.com", "*"], methods=["GET", "PUT"]),
    "regex-unanchored": synthetic(origin=Regex(r"https://.*example\.com"), allowedHeaders="Content-Type"),
    "regex-global": synthetic(origin=Regex(r"^https://a\.example\.com$", "g")),
    "true-reflect": synthetic(origin=True, credentials=True, allowedHeaders=["*"]),
    "false-off": synthetic(origin=False),
    "null-origin-option": synthetic(origin=None),
    "empty-string-origin": synthetic(origin=""),
    "strict-off": synthetic(strictPreflight=False, methods="GET,PUT,DELETE", cacheControl=600),
    "preflight-off": synthetic(preflight=False, credentials=True),
    "preflight-continue": synthetic(preflightContinue=True, cacheControl="no-store", maxAge=600),
    "success-status": synthetic(optionsSuccessStatus=200, exposedHeaders=""),
    "hook-pre-handler": synthetic(hook="preHandler", origin=["https://a.example.com"]),
    "hook-pre-parsing": synthetic(hook="preParsing", credentials=True),
    "hook-pre-serialization": synthetic(hook="preSerialization", origin=True, maxAge=60),
    "function-reflect": synthetic(origin=_function("reflect-all"), credentials=True),
    "function-deny": synthetic(origin=_function("deny-all")),
    "function-list-error": synthetic(
        origin=_function("allow-list", "https://a.example.com", on_reject="error"), credentials=True
    ),
    "function-list-false": synthetic(
        origin=_function("allow-list", "https://a.example.com", Regex(r"\.example\.org$"), no_origin="reject")
    ),
    "delegator-callback": synthetic(origin="https://a.example.com", delegator="callback"),
    "delegator-promise": synthetic(origin=["https://a.example.com"], credentials=True, delegator="promise"),
}


def fixture_policies() -> list[tuple[str, CorsPolicy]]:
    found: list[tuple[str, CorsPolicy]] = []
    for project in sorted((FIXTURES / "fastify").iterdir()):
        if not project.is_dir():
            continue
        cwd = Path.cwd()
        os.chdir(project)
        try:
            policies = run_lint(Path(".")).policies
        finally:
            os.chdir(cwd)
        for policy in policies:
            if policy.framework in FASTIFY_CORS:
                found.append((f"{project.name}:{policy.location.path}:{policy.location.line}", policy))
    return found


def harness_options(policy: CorsPolicy) -> dict[str, Any] | None:
    """The options as the package receives them; a delegator hands over the rest."""
    options = known_options(policy)
    if options is not None:
        options.pop(VERSION_OPTION, None)  # corslint's record of the major, no package option
    if options is None or "delegator" not in options:
        return options
    style = options.pop("delegator")
    outer = {"hook": options["hook"]} if "hook" in options else {}
    return {**outer, "delegator": {"$delegator": {"style": style, "options": options}}}


def _cases() -> tuple[list[dict[str, Any]], dict[str, tuple[CorsPolicy, list[Request]]]]:
    from tests.test_differential_fastify_versions import harness_packages  # imports this module

    cases: list[dict[str, Any]] = []
    expected: dict[str, tuple[CorsPolicy, list[Request]]] = {}
    for name, policy in [*SYNTHETIC.items(), *fixture_policies()]:
        options = harness_options(policy)
        if options is None:
            continue
        requests = battery(policy, tuple(m for route in policy.routes or () for m in route.methods))
        cases.append(
            {
                "kind": "fastify-cors",
                "name": name,
                "options": options,
                "requests": [wire(r) for r in requests],
                **harness_packages(policy),  # a fixture pinned to an older major runs that one
            }
        )
        expected[name] = (policy, requests)
    return cases, expected


@pytest.fixture(scope="module")
def harness_results() -> tuple[dict[str, list[dict[str, Any]]], dict[str, tuple[CorsPolicy, list[Request]]]]:
    _require_node()
    cases, expected = _cases()
    return run_harness(cases), expected


def test_model_matches_the_real_fastify_cors_package(
    harness_results: tuple[dict[str, list[dict[str, Any]]], dict[str, tuple[CorsPolicy, list[Request]]]],
) -> None:
    results, expected = harness_results
    compared = 0
    mismatches: list[str] = []
    for answer in replayed(results, expected):
        if answer.mismatch is not None:
            mismatches.append(answer.mismatch)
        real_cache = [v for k, v in answer.real["headers"] if k.lower() == "cache-control"]
        if real_cache != [v for k, v in answer.predicted.headers if k == "cache-control"]:
            mismatches.append(f"{answer.where}: Cache-Control {real_cache} != {answer.predicted.headers}")
        compared += 1
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 2000
    frameworks = {expected[name][0].framework for name in expected if name not in SYNTHETIC}
    assert frameworks == FASTIFY_CORS
