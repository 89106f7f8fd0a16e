"""Where the Node readings added for the held-out gaps stop: what stays unknown (CORS305)
or unanswered-unknown rather than guessed. The positive cases are fixture projects
(tests/fixtures/{express,koa,fastify}/...)."""

from __future__ import annotations

from pathlib import Path

from corslint.model import CorsPolicy
from tests.test_express import policies

NEST = "import { NestFactory } from '@nestjs/core';\nimport { AppModule } from './app.module';\n"
KOA = "const Koa = require('koa');\nconst app = new Koa();\n"
KOA_HEADERS = """app.use(async (ctx, next) => {
  ctx.set('Access-Control-Allow-Origin', 'https://app.example.com');
  ctx.set('Access-Control-Allow-Methods', 'GET, PUT');
  ctx.set('Access-Control-Allow-Headers', 'Content-Type');
  await next();
});
"""


def _one(root: Path, text: str, framework: str, name: str = "main.ts") -> CorsPolicy:
    found = policies(root, {name: text}, framework)
    assert len(found) == 1, found
    return found[0]


def test_a_spread_that_may_carry_cors_stays_unknown(in_tmp: Path) -> None:
    text = NEST + (
        "let corsAndMore = {};\nif (process.env.CONFIG) corsAndMore = loadOptions();\n"
        "async function boot() {\n  const app = await NestFactory.create(AppModule, { ...corsAndMore });\n}\n"
    )
    policy = _one(in_tmp, text, "nestjs")
    assert "**" in policy.options and not policy.options["**"].known


def test_a_spread_written_to_elsewhere_stays_unknown(in_tmp: Path) -> None:
    text = NEST + (
        "const extra = {};\nextra.cors = process.env.CORS === 'on';\n"
        "async function boot() {\n  await NestFactory.create(AppModule, { bufferLogs: true, ...extra });\n}\n"
    )
    assert policies(in_tmp, {"main.ts": text}, "nestjs") != []


def test_a_set_filled_by_later_statements_holds_them(in_tmp: Path) -> None:
    # the middleware runs after every statement of the module: the Set holds the added
    # entry (`js/set_additions`); an `add` under a condition would be an unknown entry
    text = KOA + (
        "const trusted = new Set();\ntrusted.add('https://app.example.com');\n"
        "app.use(async (ctx, next) => {\n"
        "  ctx.set('Access-Control-Allow-Origin', trusted.has(ctx.get('Origin')) ? ctx.get('Origin') : '');\n"
        "  await next();\n});\n"
    )
    policy = _one(in_tmp, text, "koa_headers", "app.js")
    guard = policy.options["guard"]
    assert guard.known and [entry.raw for entry in guard.raw.allowed] == ["https://app.example.com"]


def test_an_implicit_global_assigned_twice_stays_unknown(in_tmp: Path) -> None:
    text = KOA + (
        "app.use(async (ctx, next) => {\n"
        "  trusted = new Set().add('https://a.example.com');\n"
        "  if (ctx.path === '/admin') trusted = new Set().add('https://admin.example.com');\n"
        "  ctx.set('Access-Control-Allow-Origin', trusted.has(ctx.get('Origin')) ? ctx.get('Origin') : '');\n"
        "  await next();\n});\n"
    )
    policy = _one(in_tmp, text, "koa_headers", "app.js")
    step = policy.options["Access-Control-Allow-Origin"]
    assert not step.known or any(not item.known for item in step.walk())


def test_koa_middleware_before_routes_only_gets_the_404(in_tmp: Path) -> None:
    text = KOA + "const Router = require('@koa/router');\nconst router = new Router();\n"
    text += (
        "router.put('/items/:id', (ctx) => { ctx.body = {}; });\n"
        + KOA_HEADERS
        + "app.use(router.routes());\n"
    )
    assert "options_status" in _one(in_tmp, text, "koa_headers", "app.js").options


def test_koa_middleware_before_unknown_or_answering_middleware_stays_unknown(in_tmp: Path) -> None:
    for downstream in (
        "const Router = require('@koa/router');\nconst router = new Router();\n"
        "app.use(router.routes());\napp.use(router.allowedMethods());\n",
        "const proxy = require('koa-proxies');\napp.use(proxy('/api', { target: 'http://x' }));\n",
        "app.use(async (ctx, next) => { if (ctx.method === 'OPTIONS') { ctx.status = 204; return; } await next(); });\n",
    ):
        policy = _one(in_tmp, KOA + KOA_HEADERS + downstream, "koa_headers", "app.js")
        assert "options_status" not in policy.options, downstream


def test_an_undecided_if_that_answers_keeps_later_headers_conditional(in_tmp: Path) -> None:
    text = (
        "const express = require('express');\nconst app = express();\n"
        "app.use((req, res, next) => {\n"
        "  if (!isTrusted(req)) { res.status(403).send('no'); }\n"
        "  res.setHeader('Access-Control-Allow-Origin', req.headers.origin);\n"
        "  next();\n});\n"
    )
    policy = _one(in_tmp, text, "express_headers", "app.js")
    assert "condition" in policy.options
