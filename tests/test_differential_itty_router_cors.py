"""Differential truth: corslint's models of itty-router's CORS helpers against the real
packages: `createCors` from itty-router 4.2.2 (npm alias itty-router-4), `cors` from
itty-router 5.0.24 and `createCors` from itty-cors 0.3.7, pinned in tests/node/package.json.

Edge-case options and the options corslint extracts from tests/fixtures/itty_router go to
tests/node/fetch_cors_harness.mjs, which wires each helper the way its docs and real
Workers do (v4: `router.all("*", preflight)` and `.then(corsify)`; v5: `before:
[preflight], finally: [corsify]`) in front of routes answering 200, and calls the router's
fetch handler directly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from corslint.frameworks import framework_of
from corslint.http import Request
from corslint.model import CorsPolicy, FunctionValue, Location, Regex, Value
from tests.conftest import run_lint
from tests.test_differential_elysia_cors import compare, fixture_policies, synthetic
from tests.test_differential_express import require_node_package

HERE = Location.point("synthetic.ts", 1)
ORIGIN = "https://a.example.com"


def _allow_list(*origins: str) -> FunctionValue:
    return FunctionValue("allow-list", tuple(Value(origin, HERE) for origin in origins))


def _policies(framework: str, table: dict[str, dict[str, Any]]) -> list[tuple[str, CorsPolicy]]:
    return [(name, synthetic(framework, **options)) for name, options in table.items()]


V4 = _policies(
    "itty_router_create_cors",
    {
        "v4-defaults": {},
        "v4-list": {"origins": [ORIGIN, "http://localhost:3000"], "methods": ["GET", "POST"]},
        "v4-star-credentials": {
            "origins": ["*"],
            "methods": ["GET", "PUT", "DELETE"],
            "headers": {"Access-Control-Allow-Credentials": "true"},
            "maxAge": 86400,
        },
        "v4-string-substring": {"origins": "https://a.example.com,https://b.example.com"},
        "v4-function": {"origins": _allow_list(ORIGIN), "maxAge": 0},
        "v4-headers-array": {"origins": ["*"], "methods": ["OPTIONS"], "headers": ["authorization, apikey"]},
        "v4-custom-origin-header": {
            "origins": ["-"],
            "headers": {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Headers": "Content-Type"},
        },
    },
)

ITTY_CORS = [
    (f"itty-cors-{name}", CorsPolicy("itty_cors", policy.location, policy.options))
    for name, policy in V4
    if name not in {"v4-function"}  # itty-cors has no origin functions
]

V5 = _policies(
    "itty_router_cors",
    {
        "v5-defaults": {},
        "v5-star-credentials": {"origin": "*", "credentials": True, "allowMethods": ["GET"], "maxAge": 84600},
        "v5-fixed": {"origin": ORIGIN, "allowMethods": "GET, POST", "exposeHeaders": ["X-Total"]},
        "v5-list": {
            "origin": [ORIGIN, "http://192.168.1.10:8000"],
            "allowHeaders": "Allow-Control-Allow-Origin",
            "credentials": True,
        },
        "v5-true": {"origin": True, "credentials": True, "allowHeaders": ["Content-Type", "Authorization"]},
        "v5-regex": {"origin": Regex(r"^https://[a-z]+\.example\.com$"), "exposeHeaders": "*"},
        "v5-function": {"origin": _allow_list(ORIGIN), "credentials": True},
        "v5-function-reflect": {"origin": FunctionValue("reflect-all"), "allowHeaders": ""},
        "v5-origin-false": {"origin": False, "credentials": True},
    },
)

EXTRA = [
    Request("OPTIONS", ORIGIN),
    Request("OPTIONS", ORIGIN, (("access-control-request-method", "DELETE"),)),
    Request("OPTIONS", None, (("access-control-request-method", "PUT"),)),
    Request("POST", "https://b.example.com", (("content-type", "text/plain"),)),
]


@pytest.fixture(scope="module")
def v4_results() -> tuple[list[str], int, int]:
    require_node_package("itty-router-4")
    return compare("itty-cors-v4", [*V4, *fixture_policies("itty_router", "itty_router_create_cors")], EXTRA)


@pytest.fixture(scope="module")
def itty_cors_results() -> tuple[list[str], int, int]:
    require_node_package("itty-cors")
    return compare("itty-cors", [*ITTY_CORS, *fixture_policies("itty_router", "itty_cors")], EXTRA)


@pytest.fixture(scope="module")
def v5_results() -> tuple[list[str], int, int]:
    require_node_package("itty-router")
    return compare("itty-cors-v5", [*V5, *fixture_policies("itty_router", "itty_router_cors")], EXTRA)


def test_model_matches_real_itty_router_4_create_cors(v4_results: tuple[list[str], int, int]) -> None:
    mismatches, compared, sent = v4_results
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 500
    assert sent >= len(V4) + 1  # a fixture's policy too


def test_model_matches_the_real_itty_cors_package(itty_cors_results: tuple[list[str], int, int]) -> None:
    mismatches, compared, sent = itty_cors_results
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 500
    assert sent >= len(ITTY_CORS) + 1  # a fixture's policy too


def test_model_matches_real_itty_router_5_cors(v5_results: tuple[list[str], int, int]) -> None:
    mismatches, compared, sent = v5_results
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 500
    assert sent >= len(V5) + 2  # the fixtures' policies too


def test_v5_star_with_credentials_reflects_the_origin() -> None:
    policy = dict(V5)["v5-star-credentials"]
    answer = framework_of(policy).respond(policy, Request("GET", "https://evil.example"))
    assert answer.get("access-control-allow-origin") == "https://evil.example"
    assert answer.get("vary") is None


def test_v4_preflight_without_requested_headers_gets_corsify_headers_only() -> None:
    policy = dict(V4)["v4-list"]
    preflight = Request("OPTIONS", ORIGIN, (("access-control-request-method", "DELETE"),))
    answer = framework_of(policy).respond(policy, preflight)
    assert answer.status == 200 and answer.get("access-control-allow-origin") == ORIGIN
    assert answer.get("access-control-allow-methods") == "GET, POST"  # `methods` alone: DELETE fails


def _linted(tmp_path: Path, source: str) -> list[CorsPolicy]:
    (tmp_path / "worker.ts").write_text(source)
    return [p for p in run_lint(tmp_path).policies if p.framework.startswith("itty")]


@pytest.mark.parametrize(
    ("source", "framework"),
    [
        (
            "import { createCors } from 'itty-router/createCors'\nexport const { preflight, corsify } = createCors()\n",
            "itty_router_create_cors",
        ),
        (
            "import * as itty from 'itty-router'\nconst pair = itty.cors({ origin: '*' })\n",
            "itty_router_cors",
        ),
        ("const { createCors } = require('itty-cors')\nconst pair = createCors()\n", "itty_cors"),
    ],
)
def test_each_import_form_names_its_helper(tmp_path: Path, source: str, framework: str) -> None:
    assert [p.framework for p in _linted(tmp_path, source)] == [framework]


@pytest.mark.parametrize(
    ("declaration", "applied"),
    [
        ("const { corsify } = createCors()\n", False),
        ("const { preflight, corsify } = createCors()\n", False),
        ("const { preflight: early, corsify } = createCors()\nrouter.all('*', early)\n", True),
        ("const { preflight, corsify } = createCors()\nrouter.all('*', preflight)\n", True),
        ("export const { preflight, corsify } = createCors()\n", True),
        (
            "const handlers = createCors()\nrouter.all('*', handlers.preflight)\nexport const corsify = handlers.corsify\n",
            True,
        ),
    ],
)
def test_a_v4_preflight_never_registered_is_not_applied(
    tmp_path: Path, declaration: str, applied: bool
) -> None:
    source = "import { Router, createCors } from 'itty-router'\nconst router = Router()\n" + declaration
    (policy,) = _linted(tmp_path, source)
    assert all(e.kind != "not-applied" for e in policy.evidence) is applied
    if not applied:
        assert framework_of(policy).respond(policy, Request("GET", ORIGIN)).headers == ()
