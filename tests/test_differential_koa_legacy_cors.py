"""Differential truth: corslint's model of the legacy `koa-cors` package (0.0.16, a
generator middleware) against the real package on Koa, run through koa-convert as koa 2
runs it (both pinned in tests/node/package.json).

The options corslint extracts from every Koa fixture that uses it, plus edge-case
policies, are mounted as `convert(cors(options))` in front of a last middleware answering
200 ("koa" cases of tests/node/harness.js), and the probe battery is replayed: status and
CORS headers must equal the model's answer header by header (Vary included: it never
sends one)."""

from __future__ import annotations

import json
from typing import Any

from corslint.http import Request
from corslint.model import CorsPolicy, Location, Value
from tests.conftest import FIXTURES, policies_linted_inside
from tests.probe_battery import battery
from tests.test_differential_express import known_options, replayed, require_node_package, run_harness, wire

HERE = Location.point("synthetic.js", 1)
FRAMEWORK = "koa_legacy_cors"


def synthetic(**options: Any) -> CorsPolicy:
    def wrap(raw: Any) -> Value:
        if isinstance(raw, (list, tuple)):
            return Value(tuple(wrap(item) for item in raw), HERE)
        return Value(raw, HERE)

    return CorsPolicy(FRAMEWORK, HERE, {name: wrap(raw) for name, raw in options.items()})


SYNTHETIC: dict[str, CorsPolicy] = {
    "defaults": synthetic(),
    "defaults-credentials": synthetic(credentials=True),
    "star-credentials": synthetic(origin="*", credentials=True, expose=["X-Total", "X-Page"]),
    "fixed-string": synthetic(origin="https://a.example.com", maxAge=0, methods=["GET", "POST"]),
    "fixed-max-age": synthetic(origin="https://a.example.com", maxAge=600, headers=["Content-Type"]),
    "max-age-text-ignored": synthetic(maxAge="600", credentials="true"),
    "true-origin": synthetic(origin=True, methods="GET,POST", headers="Content-Type, Authorization"),
    "refusing": synthetic(origin=False, credentials=True),
    "empty-headers": synthetic(headers=[], expose=[]),
}


def _cases() -> tuple[list[dict[str, Any]], dict[str, tuple[CorsPolicy, list[Request]]]]:
    policies = list(SYNTHETIC.items())
    for project in sorted((FIXTURES / "koa").iterdir()):
        if project.is_dir():
            for policy in policies_linted_inside(project, FRAMEWORK):
                policies.append((f"{project.name}:{policy.location.line}", policy))
    cases: list[dict[str, Any]] = []
    expected: dict[str, tuple[CorsPolicy, list[Request]]] = {}
    for name, policy in policies:
        options = known_options(policy)
        assert options is not None, name
        requests = battery(policy)
        requests.append(Request("OPTIONS", "https://a.example.com", path=policy.probe_path))
        requests.append(Request("OPTIONS", None, path=policy.probe_path))
        cases.append(
            {
                "kind": "koa",
                "name": name,
                "preamble": 'const convert = require("koa-convert");\nconst cors = require("koa-cors");',
                "source": f"convert(cors({json.dumps(options)}))",
                "requests": [wire(r) for r in requests],
            }
        )
        expected[name] = (policy, requests)
    return cases, expected


def test_model_matches_the_real_koa_cors() -> None:
    require_node_package("koa-cors")
    require_node_package("koa-convert")
    cases, expected = _cases()
    results = run_harness(cases)
    mismatches = [answer.mismatch for answer in replayed(results, expected) if answer.mismatch is not None]
    compared = sum(1 for _ in replayed(results, expected))
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 200
    assert sum(1 for name in expected if name not in SYNTHETIC) >= 2
