"""Differential truth for sweep 13 M8: @fastify/cors registered inside a plugin that is not
wrapped with `fastify-plugin` (extractors/express/fastify_encapsulated_cors.py).

The fixture's app module is copied inside tests/node (so that `fastify` and `@fastify/cors`
resolve to the pinned fastify 5 and @fastify/cors 11) and built by
tests/node/fastify_app_harness.mjs, which asks each request through `app.inject`. The
plugin's hooks stay in its own context: the routes registered beside it answer without
Access-Control-Allow-Origin even for an allowed origin, while the preflight (the plugin's
global `OPTIONS *` route) succeeds with it. corslint reports CORS303 at the register call and
nothing about the plugin's origins (no answer with data carries them). With the plugin
wrapped in `fastify-plugin`, the same routes carry the headers and the CORS303 is gone."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from corslint.http import Request
from tests.conftest import FIXTURES, run_lint
from tests.test_differential_express import NODE_DIR, require_node_package, run_harness, wire

PROJECT = FIXTURES / "fastify" / "cors_plugin_without_fastify_plugin"
STUDIO = "https://glossary.example.io"
REQUESTS = [
    Request("GET", STUDIO, path="/terms/"),
    Request("GET", STUDIO, path="/terms/idempotent"),
    Request("GET", STUDIO, path="/health"),
    Request(
        "OPTIONS",
        STUDIO,
        (("access-control-request-method", "POST"), ("access-control-request-headers", "content-type")),
        path="/terms/",
    ),
]


def _answers(project: Path, wrap: bool = False) -> list[dict[str, Any]]:
    copy = Path(tempfile.mkdtemp(prefix=".fastify-", dir=NODE_DIR))
    try:
        shutil.copytree(project, copy / project.name)
        if wrap:  # the same plugin under fastify-plugin's skip-override mark
            plugin = copy / project.name / "src" / "plugins" / "cors.js"
            plugin.write_text(plugin.read_text() + 'corsPlugin[Symbol.for("skip-override")] = true;\n')
        case = {
            "name": project.name,
            "entry": str(copy / project.name / "src" / "app.js"),
            "requests": [wire(request) for request in REQUESTS],
        }
        return run_harness([case], "fastify_app_harness.mjs")[project.name]
    finally:
        shutil.rmtree(copy)


def _origin(answer: dict[str, Any]) -> list[str]:
    return [value for name, value in answer["headers"] if name.lower() == "access-control-allow-origin"]


def test_cors_inside_an_encapsulated_plugin_covers_no_sibling_route() -> None:
    for needed in ("fastify", "@fastify/cors"):
        require_node_package(needed)
    *reads, preflight = _answers(PROJECT)
    for answer in reads:
        assert answer["status"] == 200, answer
        assert _origin(answer) == [], answer
    assert preflight["status"] == 204 and _origin(preflight) == [STUDIO], preflight
    findings = run_lint(PROJECT).findings
    assert [(f.rule_id, f.location.line) for f in findings] == [("CORS303", 6)], findings
    assert "not wrapped with `fastify-plugin`" in findings[0].message


def test_the_same_plugin_marked_skip_override_covers_them() -> None:
    for needed in ("fastify", "@fastify/cors"):
        require_node_package(needed)
    *reads, preflight = _answers(PROJECT, wrap=True)
    for answer in reads:
        assert _origin(answer) == [STUDIO], answer
    assert _origin(preflight) == [STUDIO], preflight
