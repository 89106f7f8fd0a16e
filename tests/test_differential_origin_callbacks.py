"""Differential truth for origin functions read from their code (issue 14, NODE7A):

- a callback answering an object (`callback(null, { origin: true })`): cors tests it for
  truthiness only, and the options exported as `module.exports = name = {...}`;
- a `some` callback that logs and holds each test in a local before returning it;
- `*` entries turned into RegExps by the callback (`new RegExp('^' + e.replace(...) + '$')`);
- a hand-written echo under a predicate of `origin.match(RE)` early returns;
- an @fastify/cors callback whose allow-list holds the request's own Origin;
- a Hono origin function returning a fixed fallback unless a prefix test reassigns it.

Each fixture's own code runs in the real package (tests/node/harness.js: "node" cases for
express and fastify, "hono" for Hono) and corslint's policy must answer the probe battery
as it does. Hono sends its fixed fallback to every other Origin, where the model sends no
Allow-Origin: a browser refuses both, so an Allow-Origin naming another origin counts as none.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from corslint.browser import PageRequest
from corslint.http import Request
from tests.conftest import FIXTURES, policies_linted_inside
from tests.probe_battery import battery
from tests.test_differential_express import compare_answers, require_node_package, run_harness, wire

_EXTRA_ORIGINS = (
    "http://localhost:5173",
    "http://localhost:4173",
    "https://a.onrender.com",
    "https://x.atlas-freight.example",
    "https://evilfournil-lyon.example",
    "https://shop.fournil-lyon.example",
    "https://a.netlify.app",
    "https://signing-ui.pages.dev",
    "https://signing-ui.pages.dev.evil.test",
    "https://x.firebaseapp.com",
    "https://www.theme-studio.example",
    "https://tickets.museum-partner.example",
    "http://tickets.museum-partner.example",
)


def _requests(policy: Any) -> list[Request]:
    requests = battery(policy)
    for origin in _EXTRA_ORIGINS:
        requests += [
            PageRequest(origin, "GET", credentials=True, path=policy.probe_path).actual(),
            PageRequest(
                origin, "PUT", (("content-type", "application/json"),), path=policy.probe_path
            ).preflight(),
        ]
    return requests


def _module(path: Path) -> str:
    """A CommonJS module's exports, as an expression the harness can evaluate."""
    return f"(() => {{ const module = {{ exports: {{}} }}; const exports = module.exports;\n{path.read_text('utf-8')}\nreturn module.exports; }})()"


def _express_server(project: Path, inlined: dict[str, str]) -> str:
    server = re.sub(r"app\.listen\([^)]*\);", "", (project / "server.js").read_text("utf-8"))
    for specifier, file in inlined.items():
        server = server.replace(f"require('{specifier}')", _module(project / file))
    quiet = "const console = { log() {}, warn() {}, error() {}, info() {} };\n"  # stdout carries the answers
    return quiet + server + "\napp.all(/.*/, (req, res) => res.status(200).send('ok'));\n"


EXPRESS = {
    "origin_callback_object_answer": ("express", {"./middleware/corsOptions": "middleware/corsOptions.js"}),
    "origin_callback_logged_mixed_list": ("express", {}),
    "origin_callback_glob_entries": ("express", {}),
    "handwritten_origin_match_predicate": ("express_headers", {}),
}


@pytest.mark.parametrize("name", sorted(EXPRESS))
def test_express_fixture_answers_as_the_running_server(name: str) -> None:
    require_node_package("cors")
    framework, inlined = EXPRESS[name]
    project = FIXTURES / "express" / name
    (policy,) = policies_linted_inside(project, framework)
    requests = _requests(policy)
    case = {
        "kind": "node",
        "name": name,
        "preamble": _express_server(project, inlined),
        "source": "app",
        "requests": [wire(request) for request in requests],
    }
    # the hand-written route's preflights are Express's automatic OPTIONS answer for a route
    # registered through a helper, which the model leaves open: those are skipped
    mismatches, compared = compare_answers(
        policy, requests, run_harness([case])[name], unresolved_counts=framework == "express"
    )
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 50


def test_fastify_callback_listing_the_request_origin_reflects_it() -> None:
    """@fastify/cors 9 on fastify 4, as the fixture pins them."""
    require_node_package("fastify-cors-9")
    project = FIXTURES / "fastify" / "origin_callback_lists_request_origin"
    (policy,) = policies_linted_inside(project, "fastify_cors")
    assert policy.options["origin"].raw.kind == "reflect-all"
    setup = (project / "src" / "setup.js").read_text("utf-8")
    preamble = (
        "const realRequire = require;\n"
        "const packages = { fastify: 'fastify-4', '@fastify/cors': 'fastify-cors-9' };\n"
        "const load = (name) => name === '@fastify/cookie' ? async () => {} : realRequire(packages[name] || name);\n"
        f"const setup = ((require) => {{ const module = {{ exports: {{}} }};\n{setup}\nreturn module.exports; }})(load);\n"
        "const app = load('fastify')();\n"
        "setup.configure(app);\n"
        "for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) app.route({ method, url: '/*', handler: async () => ({ ok: true }) });\n"
        "const ready = app.ready();\n"
    )
    requests = _requests(policy)
    case = {
        "kind": "node",
        "name": "fastify",
        "preamble": preamble,
        "source": "(req, res) => { ready.then(() => app.routing(req, res)); }",
        "requests": [wire(request) for request in requests],
    }
    mismatches, compared = compare_answers(
        policy, requests, run_harness([case])["fastify"], unresolved_counts=True
    )
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 50


def test_hono_prefix_function_with_fallback_answers_as_hono() -> None:
    require_node_package("hono")
    project = FIXTURES / "hono" / "origin_function_prefix_fallback"
    (policy,) = policies_linted_inside(project, "hono_cors")
    module = (project / "src" / "middleware" / "cors.js").read_text("utf-8")
    preamble = module.replace("import { cors } from 'hono/cors';", "const { cors } = require('hono/cors');")
    preamble = preamble.replace("export const", "const")
    requests = [r for r in _requests(policy) if r.path == policy.probe_path]
    case = {
        "kind": "hono",
        "name": "hono",
        "preamble": preamble,
        "source": "signingCors()",
        "requests": [wire(request) for request in requests],
    }
    real_answers = run_harness([case])["hono"]
    for request, real in zip(requests, real_answers, strict=True):
        # an Allow-Origin naming another origin is refused like none at all
        headers = [
            (key, value)
            for key, value in real["headers"]
            if key.lower() != "access-control-allow-origin" or value in {request.origin, "*"}
        ]
        real["headers"] = headers
    mismatches, compared = compare_answers(policy, requests, real_answers, unresolved_counts=True)
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 50
