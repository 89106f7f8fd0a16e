"""Precision fixes from the CORS census of real code (issue 14): what corslint reads
around Socket.IO servers, NestJS factories, webhook routes and Fetch-handler guards, and
the real `cors` package's answer where engine.io hands it `cors: true`."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from corslint.model import FunctionValue, Regex
from tests.conftest import policies_linted_inside, run_lint
from tests.test_differential_express import NODE_DIR, require_node_package


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    return tmp_path


def _rules(project: Path) -> list[str]:
    return sorted(finding.rule_id for finding in run_lint(project).findings)


def test_socketio_cors_true_means_the_cors_package_defaults(tmp_path: Path) -> None:
    project = _project(
        tmp_path,
        {
            "package.json": '{ "name": "hub", "private": true, "dependencies": { "socket.io": "4.7.5" } }',
            "hub.js": "const { Server } = require('socket.io');\n"
            "const io = new Server(require('http').createServer(), { cors: true });\n",
        },
    )
    (policy,) = policies_linted_inside(project, "socketio")
    assert dict(policy.options) == {}


def test_engine_io_cors_true_answers_as_cors_defaults() -> None:
    """engine.io runs `require("cors")(this.opts.cors)`: `cors(true)` is `cors({})`."""
    require_node_package("cors")
    script = """
const cors = require('cors');
const answer = (mw, method, headers) => new Promise((done) => {
  const res = { headers: {}, statusCode: 200, setHeader(k, v) { this.headers[k.toLowerCase()] = String(v); },
    getHeader(k) { return this.headers[k.toLowerCase()]; }, end() { done([this.statusCode, this.headers]); } };
  mw({ method, headers }, res, () => done(['next', res.headers]));
});
(async () => {
  const out = [];
  for (const [method, headers] of [['GET', { origin: 'https://a.example' }],
      ['OPTIONS', { origin: 'https://a.example', 'access-control-request-method': 'PUT',
                    'access-control-request-headers': 'content-type' }]]) {
    out.push([await answer(cors(true), method, headers), await answer(cors({}), method, headers)]);
  }
  console.log(JSON.stringify(out));
})();
"""
    result = subprocess.run(
        ["node", "-e", script], capture_output=True, text=True, timeout=60, check=True, cwd=NODE_DIR
    )
    pairs = json.loads(result.stdout)
    assert pairs and all(with_true == with_defaults for with_true, with_defaults in pairs)
    assert pairs[0][0][1]["access-control-allow-origin"] == "*"


def test_nest_gateway_options_are_socketio_options(tmp_path: Path) -> None:
    project = _project(
        tmp_path,
        {
            "package.json": '{ "name": "g", "private": true, "dependencies": { "@nestjs/websockets": "10.3.0" } }',
            "chat.gateway.ts": "import { WebSocketGateway } from '@nestjs/websockets';\n"
            "@WebSocketGateway(4001, { cors: { origin: ['https://chat.example.com'], credentials: true } })\n"
            "export class ChatGateway {}\n",
            "quiet.gateway.ts": "import { WebSocketGateway } from '@nestjs/websockets';\n"
            "@WebSocketGateway(4002)\nexport class QuietGateway {}\n",
        },
    )
    (policy,) = policies_linted_inside(project, "socketio")
    assert policy.options["credentials"].raw is True
    assert _rules(project) == []


def test_a_gateway_decorator_not_from_nest_is_not_read(tmp_path: Path) -> None:
    project = _project(
        tmp_path,
        {
            "package.json": '{ "name": "g", "private": true }',
            "own.ts": "function WebSocketGateway(o: object) { return (c: unknown) => c; }\n"
            "@WebSocketGateway({ cors: { origin: '*' } })\nexport class Own {}\n",
        },
    )
    assert policies_linted_inside(project, "socketio") == []


def test_options_on_the_instance_assigned_twice_are_not_guessed(tmp_path: Path) -> None:
    project = _project(
        tmp_path,
        {
            "package.json": '{ "name": "s", "private": true, "dependencies": { "socket.io": "4.7.5" } }',
            "svc.js": "const { Server } = require('socket.io');\n"
            "class Svc {\n  constructor(dev) {\n    this.opts = { cors: { origin: '*' } };\n"
            "    if (!dev) this.opts = { cors: { origin: 'https://a.example.com' } };\n  }\n"
            "  attach(s) { return new Server(s, this.opts); }\n}\nmodule.exports = Svc;\n",
        },
    )
    assert policies_linted_inside(project, "socketio") == []


def test_nest_factory_adapter_then_options(tmp_path: Path) -> None:
    project = _project(
        tmp_path,
        {
            "package.json": '{ "name": "n", "private": true, "dependencies": { "@nestjs/core": "10.3.0" } }',
            "main.ts": "import { NestFactory } from '@nestjs/core';\n"
            "import { ExpressAdapter } from '@nestjs/platform-express';\nimport express from 'express';\n"
            "import { AppModule } from './app.module';\n"
            "export async function boot() {\n"
            "  const app = await NestFactory.create(AppModule, new ExpressAdapter(express()), "
            "{ cors: { origin: 'https://a.example.com', credentials: true } });\n"
            "  await app.init();\n}\n",
        },
    )
    (policy,) = policies_linted_inside(project, "nestjs")
    assert policy.options["origin"].raw == "https://a.example.com"


def test_worker_prefix_guard_becomes_prefix_patterns(tmp_path: Path) -> None:
    project = _project(
        tmp_path,
        {
            "package.json": '{ "name": "w", "private": true }',
            "worker.js": "const SITES = ['https://a.example.com'];\n"
            "export default {\n  async fetch(request) {\n"
            "    const origin = request.headers.get('Origin');\n"
            "    if (!SITES.some((s) => origin.startsWith(s))) return new Response(null, { status: 403 });\n"
            "    return new Response('ok', { headers: { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' } });\n"
            "  },\n};\n",
        },
    )
    (policy,) = policies_linted_inside(project, "fetch_headers")
    guard = policy.options["guard"].raw
    assert isinstance(guard, FunctionValue) and guard.kind == "allow-list"
    assert [entry.raw for entry in guard.allowed] == [Regex("^https:\\/\\/a\\.example\\.com")]
    assert "CORS104" in _rules(project)


def test_guard_refusal_with_cors_headers_is_not_a_refusal(tmp_path: Path) -> None:
    """An early return that itself reflects the Origin is no refusal: CORS101 stays."""
    project = _project(
        tmp_path,
        {
            "package.json": '{ "name": "w", "private": true }',
            "worker.js": "const OK = ['https://a.example.com'];\n"
            "export default {\n  async fetch(request) {\n"
            "    const origin = request.headers.get('Origin');\n"
            "    const cors = { 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true' };\n"
            "    if (!OK.includes(origin)) return new Response('no', { status: 200, headers: cors });\n"
            "    return new Response('ok', { headers: cors });\n"
            "  },\n};\n",
        },
    )
    assert "CORS101" in _rules(project)


def test_webhook_routes_do_not_misorder_cors(tmp_path: Path) -> None:
    project = _project(
        tmp_path,
        {
            "package.json": '{ "name": "e", "private": true, "dependencies": { "express": "4.19.2", "cors": "2.8.5" } }',
            "app.js": "const express = require('express');\nconst cors = require('cors');\n"
            "const app = express();\n"
            "app.post('/billing/webhooks/stripe', (req, res) => res.sendStatus(200));\n"
            "app.post('/api/orders', (req, res) => res.json({}));\n"
            "app.use(cors({ origin: 'https://shop.example.com' }));\n",
        },
    )
    misordered = [f for f in run_lint(project).findings if f.rule_id == "CORS303"]
    assert len(misordered) == 1 and "POST /api/orders" in misordered[0].message


def test_presence_tests_of_request_headers_are_no_unread_allow_list(tmp_path: Path) -> None:
    """A preflight answered under `origin !== null && acrm !== null && acrh !== null` (census 3
    sample 168): each test asks whether a header is sent, which every preflight answers
    alike, so the fixed Allow-Origin is judged and no allow-list is left unknown."""
    project = _project(
        tmp_path,
        {
            "package.json": '{ "name": "w", "private": true }',
            "worker.js": "const SITE = 'https://app.example.com';\n"
            "export default {\n  async fetch(request) {\n"
            "    if (request.headers.get('Origin') !== null &&\n"
            "        request.headers.get('Access-Control-Request-Method') !== null &&\n"
            "        request.headers.get('Access-Control-Request-Headers') !== null) {\n"
            "      return new Response(null, { headers: { 'Access-Control-Allow-Origin': SITE,\n"
            "        'Access-Control-Allow-Methods': 'GET, POST', 'Access-Control-Allow-Headers': 'Content-Type' } });\n"
            "    }\n"
            "    return new Response('ok', { headers: { 'Access-Control-Allow-Origin': SITE } });\n"
            "  },\n};\n",
        },
    )
    assert "CORS305" not in _rules(project)
