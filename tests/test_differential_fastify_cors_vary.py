"""Differential truth for sweep 14 W1 (extractors/express/fastify_cors_vary.py): a Fastify
route handler reflecting the Origin into Access-Control-Allow-Origin on an app where
@fastify/cors is registered on the root instance.

Each fixture's app module is copied inside tests/node (fastify 5 + @fastify/cors 11) and
asked through `app.inject` by tests/node/fastify_app_harness.mjs. With an origin function
the plugin's onRequest hook names Origin in `Vary` on every answer, for a listed origin, an
unlisted one and no Origin alike, so the reflected Allow-Origin reaches the browser with
`Vary: Origin`: the hand-written policy's model carries the plugin's Vary and CORS107 is
silent. With one string origin the plugin leaves `Vary` alone and CORS107 stays."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from corslint.frameworks import framework_of
from corslint.http import Request
from tests.conftest import FIXTURES, policies_linted_inside, run_lint
from tests.test_differential_express import NODE_DIR, require_node_package, run_harness, wire

FUNCTION_ORIGIN = FIXTURES / "fastify" / "handler_reflection_under_cors_function_origin"
STRING_ORIGIN = FIXTURES / "fastify" / "handler_reflection_under_cors_string_origin"
ORIGINS = ["https://desk.example.com", "https://elsewhere.example.net", None]


def _answers(project: Path, path: str) -> list[dict[str, Any]]:
    copy = Path(tempfile.mkdtemp(prefix=".fastify-vary-", dir=NODE_DIR))
    try:
        shutil.copytree(project, copy / project.name)
        requests = [wire(Request("GET", origin, path=path)) for origin in ORIGINS]
        case = {
            "name": project.name,
            "entry": str(copy / project.name / "src" / "app.js"),
            "requests": requests,
        }
        return run_harness([case], "fastify_app_harness.mjs")[project.name]
    finally:
        shutil.rmtree(copy)


def _header(headers: list[tuple[str, str]] | list[list[str]], name: str) -> list[str]:
    return [value for key, value in headers if key.lower() == name]


def _compare(project: Path, path: str) -> list[dict[str, Any]]:
    for needed in ("fastify", "@fastify/cors"):
        require_node_package(needed)
    real = _answers(project, path)
    (policy,) = policies_linted_inside(project, "fastify_headers")
    model = framework_of(policy)
    for origin, answer in zip(ORIGINS, real, strict=True):
        predicted = model.respond(policy, Request("GET", origin, path=path))
        assert answer["status"] == 200, answer
        # the handler's write replaces the plugin's Allow-Origin; Vary is the plugin's alone
        assert _header(answer["headers"], "access-control-allow-origin") == _header(
            list(predicted.headers), "access-control-allow-origin"
        ), (origin, answer, predicted)
        assert _header(answer["headers"], "vary") == _header(list(predicted.headers), "vary"), (
            origin,
            answer,
            predicted,
        )
    return real


def test_function_origin_names_origin_in_vary_on_every_answer() -> None:
    real = _compare(FUNCTION_ORIGIN, "/hours")
    assert all(_header(answer["headers"], "vary") == ["Origin"] for answer in real), real
    rules = sorted(f.rule_id for f in run_lint(FUNCTION_ORIGIN).findings)
    assert rules == ["CORS105"], rules


def test_string_origin_leaves_vary_alone() -> None:
    real = _compare(STRING_ORIGIN, "/times")
    assert all(_header(answer["headers"], "vary") == [] for answer in real), real
    rules = sorted(f.rule_id for f in run_lint(STRING_ORIGIN).findings)
    assert rules == ["CORS105", "CORS107"], rules
