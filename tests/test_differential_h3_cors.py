"""Differential truth: corslint's model of h3's `handleCors` against the real package.

Edge-case options and the options corslint extracts from tests/fixtures/h3 go to
tests/node/h3_cors_harness.mjs: h3 1.15.11 and 2.0.8 (both pinned in
tests/node/package.json), `handleCors` in a middleware in front of a handler answering 200.
Status (the handler's 200 where the model leaves it to the app) and CORS headers must
equal the model's answer, header by header.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from corslint.frameworks import framework_of
from corslint.frameworks.h3_cors import PREFLIGHT_ONLY
from corslint.http import Request
from corslint.model import CorsPolicy, FunctionValue, Location, Regex, Value
from tests.conftest import FIXTURES, policies_linted_inside, run_lint
from tests.probe_battery import battery
from tests.test_differential_express import (
    answer_mismatch,
    known_options,
    require_node_package,
    run_harness,
    wire,
)

HERE = Location.point("synthetic.ts", 1)
HANDLER_STATUS = 200
KINDS = {"h3_cors": "h3-1", "h3_cors_2": "h3-2"}


def synthetic(framework: str, **options: Any) -> CorsPolicy:
    def wrap(raw: Any) -> Value:
        if isinstance(raw, (list, tuple)):
            return Value(tuple(wrap(item) for item in raw), HERE)
        if isinstance(raw, dict):
            return Value({key: wrap(item) for key, item in raw.items()}, HERE)
        return Value(raw, HERE)

    return CorsPolicy(framework, HERE, {name: wrap(raw) for name, raw in options.items()})


def _allow_list(*origins: str) -> FunctionValue:
    return FunctionValue("allow-list", tuple(Value(origin, HERE) for origin in origins))


_OPTIONS: dict[str, dict[str, Any]] = {
    "empty": {},
    "star": {"origin": "*", "methods": "*", "allowHeaders": "*"},
    "one-origin-credentials": {"origin": "https://a.example.com", "credentials": True},
    "null-string": {"origin": "null", "credentials": True},
    "list-and-regex": {
        "origin": ["https://a.example.com", Regex(r"^https://[a-z]+\.b\.example\.com$")],
        "allowHeaders": ["Content-Type", "Authorization"],
        "exposeHeaders": ["X-Total"],
        "methods": ["GET", "POST"],
        "maxAge": "600",
    },
    "unanchored-regex": {"origin": [Regex(r"a\.example\.com")], "credentials": True},
    "prefix-regex": {"origin": [Regex(r"^http://localhost:5173")]},
    "function-list": {"origin": _allow_list("https://a.example.com"), "credentials": True, "methods": "*"},
    "function-reflect": {"origin": FunctionValue("reflect-all"), "credentials": True},
    "origin-false": {"origin": False, "credentials": True, "exposeHeaders": "*"},
    "methods-empty": {"methods": [], "allowHeaders": [], "exposeHeaders": False},
    "preflight-status": {"origin": ["https://a.example.com"], "preflight": {"statusCode": 200}},
    "max-age-number": {"origin": "*", "maxAge": 86400, "credentials": False},
}
SYNTHETIC = [
    (f"{framework}:{name}", synthetic(framework, **options))
    for framework in KINDS
    for name, options in _OPTIONS.items()
] + [
    (
        f"{framework}:preflight-only",
        synthetic(framework, **{PREFLIGHT_ONLY: True, "origin": "*", "credentials": True}),
    )
    for framework in KINDS
]

EXTRA = [
    Request("OPTIONS", "https://a.example.com"),
    Request("OPTIONS", None, (("access-control-request-method", "PUT"),)),
    Request("OPTIONS", "https://a.example.com", (("access-control-request-method", "DELETE"),)),
    Request("GET", "http://a.example.com"),
    Request("GET", "http://localhost:5173"),
    Request("GET", None),
    Request("DELETE", "https://x.b.example.com", (("x-trace", "1"),)),
]


def fixture_policies() -> list[tuple[str, CorsPolicy]]:
    found: list[tuple[str, CorsPolicy]] = []
    for project in sorted((FIXTURES / "h3").iterdir()):
        if project.is_dir():
            for framework in KINDS:
                for policy in policies_linted_inside(project, framework):
                    found.append((f"{project.name}:{policy.location.path}:{policy.location.line}", policy))
    return found


def compare(policies: list[tuple[str, CorsPolicy]]) -> tuple[list[str], int, int]:
    cases: list[dict[str, Any]] = []
    expected: dict[str, tuple[CorsPolicy, list[Request]]] = {}
    for name, policy in policies:
        options = known_options(policy)
        if options is None:
            continue
        only = options.pop(PREFLIGHT_ONLY, False)
        requests = [*battery(policy), *EXTRA]
        cases.append(
            {
                "kind": KINDS[policy.framework],
                "name": name,
                "options": options,
                "preflightOnly": only,
                "requests": [wire(r) for r in requests],
            }
        )
        expected[name] = (policy, requests)
    results = run_harness(cases, script="h3_cors_harness.mjs")
    mismatches: list[str] = []
    compared = 0
    for name, (policy, requests) in expected.items():
        respond = framework_of(policy).respond
        for request, real in zip(requests, results[name], strict=True):
            predicted = respond(policy, request)
            status = predicted.status if predicted.status is not None else HANDLER_STATUS
            where = f"{name}: {request.method} Origin={request.origin} {dict(request.headers)}"
            mismatch = answer_mismatch(where, real, predicted, status)
            if mismatch is not None:
                mismatches.append(mismatch)
            compared += 1
    return mismatches, compared, len(expected)


@pytest.fixture(scope="module")
def h3_results() -> tuple[list[str], int, int]:
    require_node_package("h3")
    require_node_package("h3-2")
    return compare([*SYNTHETIC, *fixture_policies()])


def test_model_matches_the_real_h3_handle_cors(h3_results: tuple[list[str], int, int]) -> None:
    mismatches, compared, sent = h3_results
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 500
    assert sent >= len(SYNTHETIC) + 4  # the fixtures' policies too


def test_a_request_origin_read_is_a_reflection(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text('{"dependencies": {"h3": "1.15.4"}}')
    (tmp_path / "cors.js").write_text(
        "import { getRequestHeader, handleCors } from 'h3'\n"
        "export const open = (event) => handleCors(event, {\n"
        "  origin: getRequestHeader(event, 'origin'),\n"
        "  credentials: true,\n"
        "})\n"
    )
    result = run_lint(tmp_path)
    # 1.x sends no Allow-Methods when `methods` is left out: PUT/DELETE preflights fail
    assert sorted(f.rule_id for f in result.findings) == ["CORS101", "CORS202"]


def test_a_project_function_of_that_name_is_not_h3s(tmp_path: Path) -> None:
    (tmp_path / "server.ts").write_text(
        "function handleCors(event, options) { return false }\n"
        "export default defineEventHandler((event) => { handleCors(event, { origin: '*' }) })\n"
    )
    assert not [p for p in run_lint(tmp_path).policies if p.framework.startswith("h3_cors")]


def test_a_2x_call_without_options_takes_the_defaults(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text('{"dependencies": {"h3": "2.0.8"}}')
    (tmp_path / "app.ts").write_text(
        "import { H3, handleCors } from 'h3'\n"
        "export const app = new H3()\n"
        "app.use((event) => { const answer = handleCors(event); if (answer !== false) return answer })\n"
    )
    result = run_lint(tmp_path)
    assert [p.framework for p in result.policies] == ["h3_cors_2"]
    assert [f.rule_id for f in result.findings] == ["CORS105"]
