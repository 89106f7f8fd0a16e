"""Differential truth: corslint's model of Elysia's `@elysiajs/cors` against the real plugin.

Edge-case options and the options corslint extracts from tests/fixtures/elysia go to
tests/node/fetch_cors_harness.mjs ("elysia-cors" cases): the real plugin (1.4.2, on elysia
1.4.30, both pinned in tests/node/package.json) in front of routes answering 200, each
request handed to `app.handle`. Status (the route's 200 where the model leaves it to the
app) and CORS headers must equal the model's answer, header by header.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from corslint.frameworks import framework_of
from corslint.http import Request
from corslint.model import CorsPolicy, FunctionValue, Location, Regex, Value
from tests.conftest import FIXTURES, policies_linted_inside, run_lint
from tests.probe_battery import battery
from tests.test_differential_express import (
    NODE_DIR,
    answer_mismatch,
    known_options,
    require_node_package,
    wire,
)

HERE = Location.point("synthetic.ts", 1)
ROUTE_STATUS = 200  # what the harness's routes answer to whatever the CORS layer passes on


def synthetic(framework: str, **options: Any) -> CorsPolicy:
    def wrap(raw: Any) -> Value:
        if isinstance(raw, (list, tuple)):
            return Value(tuple(wrap(item) for item in raw), HERE)
        if isinstance(raw, dict):
            return Value({key: wrap(item) for key, item in raw.items()}, HERE)
        return Value(raw, HERE)

    return CorsPolicy(framework, HERE, {name: wrap(raw) for name, raw in options.items()})


def fixture_policies(folder: str, framework: str) -> list[tuple[str, CorsPolicy]]:
    found: list[tuple[str, CorsPolicy]] = []
    for project in sorted((FIXTURES / folder).iterdir()):
        if project.is_dir():
            for policy in policies_linted_inside(project, framework):
                found.append((f"{project.name}:{policy.location.path}:{policy.location.line}", policy))
    return found


def run_fetch_harness(cases: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    completed = subprocess.run(
        ["node", str(NODE_DIR / "fetch_cors_harness.mjs")],
        input=json.dumps({"cases": cases}),
        capture_output=True,
        text=True,
        timeout=300,
        cwd=NODE_DIR,
        env={**os.environ, "NODE_ENV": "test"},
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return {result["name"]: result["responses"] for result in json.loads(completed.stdout)}


def compare(
    kind: str,
    policies: list[tuple[str, CorsPolicy]],
    extra_requests: list[Request],
    route_status: int = ROUTE_STATUS,
) -> tuple[list[str], int, int]:
    """Run `policies` through the harness as `kind` cases: the mismatches, the number of
    requests compared and of policies that could be sent."""
    cases: list[dict[str, Any]] = []
    expected: dict[str, tuple[CorsPolicy, list[Request]]] = {}
    for name, policy in policies:
        options = known_options(policy)
        if options is None or any(e.kind == "not-applied" for e in policy.evidence):
            continue  # unknown options, or a helper the fixture never wires (the harness always does)
        requests = [*battery(policy), *extra_requests]
        cases.append(
            {"kind": kind, "name": name, "options": options, "requests": [wire(r) for r in requests]}
        )
        expected[name] = (policy, requests)
    results = run_fetch_harness(cases)
    mismatches: list[str] = []
    compared = 0
    for name, (policy, requests) in expected.items():
        respond = framework_of(policy).respond
        for request, real in zip(requests, results[name], strict=True):
            predicted = respond(policy, request)
            status = predicted.status if predicted.status is not None else route_status
            where = f"{name}: {request.method} Origin={request.origin} {dict(request.headers)}"
            mismatch = answer_mismatch(where, real, predicted, status)
            if mismatch is not None:
                mismatches.append(mismatch)
            compared += 1
    return mismatches, compared, len(expected)


def _allow_list(*origins: str) -> FunctionValue:
    return FunctionValue("allow-list", tuple(Value(origin, HERE) for origin in origins))


_OPTIONS: dict[str, dict[str, Any]] = {
    "defaults": {},
    "star": {"origin": "*"},
    "star-no-credentials": {"origin": "*", "credentials": False},
    "one-origin": {"origin": "https://a.example.com", "credentials": True},
    "host-without-scheme": {"origin": "a.example.com", "methods": ["GET", "POST"]},
    "list-and-regex": {
        "origin": ["https://a.example.com", Regex(r"^https://[a-z]+\.b\.example\.com$")],
        "allowedHeaders": ["Content-Type", "Authorization"],
        "exposeHeaders": "X-Total",
        "maxAge": 600,
    },
    "unanchored-regex": {"origin": Regex(r"a\.example\.com"), "credentials": False},
    "origin-false": {"origin": False},
    "function": {"origin": _allow_list("https://a.example.com"), "methods": "*"},
    "function-reflect": {"origin": FunctionValue("reflect-all")},
    "no-preflight": {"origin": ["https://a.example.com"], "preflight": False},
    "list-with-star": {"origin": ["https://a.example.com", "*"], "maxAge": 0},
    "methods-empty": {"methods": [], "allowedHeaders": "*", "exposeHeaders": []},
    "credentials-string": {"credentials": "true", "origin": ["https://a.example.com"]},
    "null-listed": {"origin": ["null", "https://a.example.com"], "methods": False},
}
SYNTHETIC: dict[str, CorsPolicy] = {
    name: synthetic("elysia_cors", **options) for name, options in _OPTIONS.items()
}

EXTRA = [
    Request("OPTIONS", "https://a.example.com"),
    Request("OPTIONS", None, (("access-control-request-method", "PUT"),)),
    Request("GET", "http://a.example.com"),
    Request("DELETE", "https://x.b.example.com", (("x-trace", "1"),)),
]


@pytest.fixture(scope="module")
def elysia_results() -> tuple[list[str], int, int]:
    require_node_package("@elysiajs/cors")
    return compare("elysia-cors", [*SYNTHETIC.items(), *fixture_policies("elysia", "elysia_cors")], EXTRA)


def test_model_matches_the_real_elysia_cors_plugin(elysia_results: tuple[list[str], int, int]) -> None:
    mismatches, compared, sent = elysia_results
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 1000
    assert sent >= len(SYNTHETIC) + 3  # the fixtures' policies too


def test_defaults_reflect_every_origin_with_credentials() -> None:
    answer = framework_of(SYNTHETIC["defaults"]).respond(
        SYNTHETIC["defaults"], Request("GET", "https://evil.example")
    )
    assert answer.get("access-control-allow-origin") == "https://evil.example"
    assert answer.get("access-control-allow-credentials") == "true"
    assert answer.get("vary") == "*"


@pytest.mark.parametrize(
    "imported",
    [
        "import { cors } from '@elysiajs/cors'\nconst plugin = cors({ origin: 'https://a.example.com' })\n",
        "import cors from '@elysiajs/cors'\nconst plugin = cors({ origin: 'https://a.example.com' })\n",
        "import * as elysiaCors from '@elysiajs/cors'\nconst plugin = elysiaCors.cors({ origin: 'https://a.example.com' })\n",
    ],
)
def test_each_import_form_is_read(tmp_path: Path, imported: str) -> None:
    (tmp_path / "app.ts").write_text(imported)
    (policy,) = [p for p in run_lint(tmp_path).policies if p.framework == "elysia_cors"]
    assert policy.options["origin"].raw == "https://a.example.com"


def test_an_origin_function_is_left_unresolved(tmp_path: Path) -> None:
    (tmp_path / "app.ts").write_text(
        "import { cors } from '@elysiajs/cors'\n"
        "const plugin = cors({ origin: (request) => request.headers.get('origin') === 'https://a.example.com' })\n"
    )
    result = run_lint(tmp_path)
    assert [f.rule_id for f in result.findings] == ["CORS305"]
