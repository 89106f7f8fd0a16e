"""Differential truth for set 21 (Afrisinc/auth-service `src/plugins/cors.ts`): a
`fastify-plugin` module registering @fastify/cors with `origin: '*'` and credentials that
no module of the app imports, while the app registers @fastify/cors itself
(extractors/express/fastify_unused_plugins.py).

The fixture's app is built by tests/node/fastify_app_harness.mjs (the pinned fastify 5 and
@fastify/cors 11): an unlisted Origin gets no Allow-Origin at all, the listed one gets its
own, and no answer carries the plugin's `*` or credentials. corslint reports the plugin as
not applied (CORS303) instead of judging its options as the app's policy (CORS105, CORS201,
and CORS202 for routes it could not see)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest

from corslint.http import Request
from tests.conftest import FIXTURES, run_lint
from tests.test_differential_express import NODE_DIR, require_node_package, run_harness, wire

PROJECT = FIXTURES / "fastify" / "fp_cors_plugin_loaded_nowhere"
LISTED = "https://lockers.example.com"
OTHER = "https://elsewhere.example"


def _answers(requests: list[Request]) -> list[dict[str, Any]]:
    copy = Path(tempfile.mkdtemp(prefix=".fastify-", dir=NODE_DIR))
    try:
        shutil.copytree(PROJECT, copy / PROJECT.name)
        case = {
            "name": PROJECT.name,
            "entry": str(copy / PROJECT.name / "src" / "app.js"),
            "requests": [wire(request) for request in requests],
        }
        return run_harness([case], "fastify_app_harness.mjs")[PROJECT.name]
    finally:
        shutil.rmtree(copy)


def _header(answer: dict[str, Any], wanted: str) -> list[str]:
    return [value for name, value in answer["headers"] if name.lower() == wanted]


def test_the_plugin_nothing_loads_sends_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    for needed in ("fastify", "@fastify/cors"):
        require_node_package(needed)
    other, listed = _answers(
        [Request("GET", OTHER, path="/lockers"), Request("GET", LISTED, path="/lockers")]
    )
    assert _header(other, "access-control-allow-origin") == [], other
    assert _header(listed, "access-control-allow-origin") == [LISTED], listed
    for answer in (other, listed):
        assert _header(answer, "access-control-allow-credentials") == [], answer
    monkeypatch.chdir(PROJECT)
    findings = run_lint(Path(".")).findings
    assert [(f.rule_id, f.location.path, f.location.line) for f in findings] == [
        ("CORS303", "src/plugins/open-cors.js", 6)
    ], findings
