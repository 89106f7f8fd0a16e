"""Differential truth for a Fastify `preHandler` hook that hand-writes CORS headers beside
`@fastify/cors` in one fastify-plugin function (held-out set 24, britotiago03/world-explorer;
extractors/express/fastify_route_preflights.py).

The fixture's app module is copied inside tests/node (fastify 5 + @fastify/cors 11 +
fastify-plugin 5) and asked through `app.inject` by tests/node/fastify_app_harness.mjs. The
plugin's onRequest hook ends every OPTIONS request, a malformed one included, so the hook's
OPTIONS branch (its `Max-Age: 86400`, its 204) never runs; on other requests the hook's
reflected Allow-Origin replaces the plugin's, under the plugin's `Vary: Origin`. corslint
joins the hook to the plugin's app (CORS302), keeps its CORS101, and no longer reports
CORS107 nor a Max-Age (CORS207) that is never sent."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest

from corslint.frameworks import framework_of
from corslint.http import Request
from corslint.model import UnresolvedValueError
from tests.conftest import FIXTURES, policies_linted_inside, run_lint
from tests.test_differential_express import NODE_DIR, require_node_package, run_harness, wire

PROJECT = FIXTURES / "fastify" / "fp_cors_plugin_prehandler_hook"
PAGE = "https://helpdesk.example.org"
ASKED = (("access-control-request-method", "PATCH"),)
REQUESTS = [
    Request("GET", PAGE, path="/tickets"),
    Request("GET", None, path="/tickets"),
    Request("OPTIONS", PAGE, ASKED, path="/tickets/7"),
    Request("OPTIONS", PAGE, path="/tickets/7"),  # no Access-Control-Request-Method
]


def _real() -> list[dict[str, Any]]:
    for needed in ("fastify", "@fastify/cors", "fastify-plugin"):
        require_node_package(needed)
    copy = Path(tempfile.mkdtemp(prefix=".fastify-hook-", dir=NODE_DIR))
    try:
        shutil.copytree(PROJECT, copy / PROJECT.name)
        case = {
            "name": PROJECT.name,
            "entry": str(copy / PROJECT.name / "src" / "app.js"),
            "requests": [wire(request) for request in REQUESTS],
        }
        return run_harness([case], "fastify_app_harness.mjs")[PROJECT.name]
    finally:
        shutil.rmtree(copy)


def _header(headers: Any, name: str) -> list[str]:
    return [value for key, value in headers if key.lower() == name]


def test_plugin_ends_preflights_and_the_hook_rewrites_the_rest() -> None:
    real = _real()
    (hook,) = policies_linted_inside(PROJECT, "fastify_headers")
    (plugin,) = policies_linted_inside(PROJECT, "fastify_cors")
    assert hook.app == plugin.app != ""
    model = framework_of(hook)
    for request, answer in list(zip(REQUESTS, real, strict=True))[:2]:
        predicted = model.respond(hook, request)
        assert answer["status"] == 200, answer
        for name in ("access-control-allow-origin", "access-control-allow-credentials", "vary"):
            assert _header(answer["headers"], name) == _header(list(predicted.headers), name), (name, answer)
    assert _header(real[0]["headers"], "vary") == ["Origin"], real[0]
    preflight, malformed = real[2], real[3]
    # the plugin's answers: the hook's 204 and Max-Age never go out
    assert preflight["status"] == 204 and _header(preflight["headers"], "access-control-max-age") == []
    assert malformed["status"] == 400, malformed
    for request in REQUESTS[2:]:
        with pytest.raises(UnresolvedValueError):
            model.respond(hook, request)  # another layer's answer, not the hook's
    findings = sorted((f.rule_id, f.location.line) for f in run_lint(PROJECT).findings)
    assert findings == [("CORS101", 7), ("CORS101", 17), ("CORS302", 17)], findings
