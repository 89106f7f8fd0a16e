"""Differential truth: corslint's model of GraphQL Yoga's `cors` option against the real
server: graphql-yoga 5.24.1 (with @whatwg-node/server 0.11.0) and graphql 16.11.0, pinned in
tests/node/package.json, driven by tests/node/fetch_cors_harness.mjs ("graphql-yoga"
cases: `createYoga({ schema, cors: options }).fetch(request)`), with the options corslint
extracts from tests/fixtures/graphql_yoga. The probes ask for "/",
which Yoga answers 404 (its endpoint is /graphql) with its CORS headers all the same.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from corslint.frameworks import framework_of
from corslint.http import Request
from corslint.model import CorsPolicy
from tests.conftest import run_lint
from tests.test_differential_elysia_cors import compare, fixture_policies, synthetic
from tests.test_differential_express import require_node_package

ORIGIN = "https://a.example.com"
NOT_FOUND = 404  # Yoga's answer outside its endpoint

_OPTIONS: dict[str, dict[str, Any]] = {
    "defaults": {},
    "one-origin": {"origin": ORIGIN, "methods": ["POST"]},
    "one-origin-array": {"origin": [ORIGIN], "credentials": False},
    "two-origins": {"origin": [ORIGIN, "https://b.example.com"], "credentials": True},
    "star-string": {"origin": "*", "credentials": False, "exposedHeaders": ["X-Trace"]},
    "star-in-array": {"origin": [ORIGIN, "*"], "allowedHeaders": ["Content-Type"], "maxAge": 600},
    "glob-string": {"origin": "https://*.example.com"},
    "empty-lists": {"origin": [], "methods": [], "allowedHeaders": [], "maxAge": 0},
    "credentials-false": {"origin": ORIGIN, "credentials": False},
}
POLICIES: list[tuple[str, CorsPolicy]] = [
    (name, synthetic("graphql_yoga", **o)) for name, o in _OPTIONS.items()
]


@pytest.fixture(scope="module")
def yoga_results() -> tuple[list[str], int, int]:
    require_node_package("graphql-yoga")
    fixtures = fixture_policies("graphql_yoga", "graphql_yoga")
    return compare(
        "graphql-yoga", [*POLICIES, *fixtures], [Request("OPTIONS", ORIGIN)], route_status=NOT_FOUND
    )


def test_model_matches_the_real_graphql_yoga(yoga_results: tuple[list[str], int, int]) -> None:
    mismatches, compared, sent = yoga_results
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 500
    assert sent >= len(POLICIES) + 2  # the fixtures' policies too


def test_an_unlisted_origin_is_answered_null() -> None:
    policy = dict(POLICIES)["two-origins"]
    answer = framework_of(policy).respond(policy, Request("GET", "null"))
    assert answer.get("access-control-allow-origin") == "null"
    assert answer.get("access-control-allow-credentials") == "true"


@pytest.mark.parametrize(
    ("cors", "kinds"),
    [("false", []), ("true", ["graphql_yoga"]), ("{ origin: 'https://a.example.com' }", ["graphql_yoga"])],
)
def test_the_cors_option_is_read(tmp_path: Path, cors: str, kinds: list[str]) -> None:
    (tmp_path / "server.ts").write_text(
        "import { createYoga } from 'graphql-yoga'\n"
        f"export const yoga = createYoga({{ schema, cors: {cors} }})\n"
    )
    assert [p.framework for p in run_lint(tmp_path).policies] == kinds
