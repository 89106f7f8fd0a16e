"""CORS302 on apollo-server-express 3's `applyMiddleware` behind an app-wide `cors()`, by what
the two layers send (held-out sets 23 and 24: TiagoGIM/api-transactions-airbank's Apollo
default `*` behind `cors({ origin: "*", credentials: true })`, GiluAn/nextjs-nestjs-graphql-prisma's
`origin: true, credentials: true` on both layers). The real express, cors and
apollo-server-express 3.13 (tests/node_apollo3) run each fixture's two configurations alone
and stacked: the app-wide `cors()` ends every preflight, and on other requests the stack sends
the first layer's headers. A second layer whose own answers differ is reported, with that
outcome; one whose answers are the same is no second policy."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from corslint.runner.run import lint
from corslint.runner.settings import Settings

HARNESS = Path(__file__).parent / "node_apollo3"
FIXTURES = Path(__file__).parent / "fixtures" / "express"
STAR = FIXTURES / "apollo_default_cors_behind_star_cors"
SAME = FIXTURES / "apollo_cors_same_answers_behind_cors"
ONE_OBJECT = FIXTURES / "apollo_apply_middleware_this_app"  # one options object for both layers
SHOP = "https://shop.bakery.example"
TICKETS = "https://tickets.example.org"

# each fixture's app-wide cors() options and Apollo's `cors` (None: not given, the default)
CASES: dict[str, dict[str, Any]] = {
    "star": {"app": {"origin": "*", "exposedHeaders": ["X-Tracking-Batch"]}, "apollo": None},
    "same": {
        "app": {"origin": [SHOP], "credentials": True},
        "apollo": {"origin": [SHOP], "credentials": True, "methods": ["GET", "POST"]},
    },
    "identical": {
        "app": {
            "origin": [TICKETS, f"https://admin.{TICKETS[8:]}"],
            "credentials": True,
            "allowedHeaders": ["Content-Type", "Authorization"],
        },
        "apollo": {
            "origin": [TICKETS, f"https://admin.{TICKETS[8:]}"],
            "credentials": True,
            "allowedHeaders": ["Content-Type", "Authorization"],
        },
    },
    # GiluAn's pair (NestJS enableCors and the Apollo driver's `cors`), for the record
    "reflect": {
        "app": {"origin": True, "methods": "GET,HEAD,PUT,PATCH,POST,DELETE,OPTIONS", "credentials": True},
        "apollo": {"origin": True, "credentials": True},
    },
}

SCRIPT = """
const modules = %(modules)s;
const express = require(modules + '/express');
const cors = require(modules + '/cors');
const { ApolloServer, gql } = require(modules + '/apollo-server-express');
const http = require('http');
const cases = %(cases)s;
const origins = %(origins)s;
async function stack(appCors, apolloCors) {
  const app = express();
  if (appCors !== false) app.use(cors(appCors));
  const server = new ApolloServer({ typeDefs: gql`type Query { ok: Boolean }`, resolvers: {} });
  await server.start();
  const options = { app, path: '/gql' };
  if (apolloCors !== null) options.cors = apolloCors;
  server.applyMiddleware(options);
  const listener = app.listen(0);
  await new Promise((ready) => listener.on('listening', ready));
  const ask = (method, headers, body) => new Promise((done) => {
    const req = http.request({ port: listener.address().port, path: '/gql', method, headers }, (res) => {
      res.resume();
      res.on('end', () => done({ status: res.statusCode, headers: res.rawHeaders }));
    });
    req.end(body);
  });
  const answers = [];
  for (const origin of origins) {
    const from = origin === null ? {} : { origin };
    answers.push(await ask('OPTIONS', { ...from, 'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type' }));
    answers.push(await ask('POST', { ...from, 'content-type': 'application/json' }, '{"query":"{ok}"}'));
    answers.push(await ask('GET', { ...from, 'apollo-require-preflight': 'true' }));
  }
  listener.close();
  await server.stop();
  return answers;
}
(async () => {
  const out = {};
  for (const [name, c] of Object.entries(cases)) {
    out[name] = {
      both: await stack(c.app, c.apollo),
      first: await stack(c.app, false),
      apollo: await stack(false, c.apollo),
    };
  }
  console.log(JSON.stringify(out));
})();
"""

PREFLIGHT_ONLY = {"access-control-allow-methods", "access-control-allow-headers", "access-control-max-age"}


def _headers(answer: dict[str, Any], *, preflight: bool) -> list[tuple[str, str]]:
    raw = answer["headers"]
    pairs = [(raw[i].lower(), raw[i + 1]) for i in range(0, len(raw), 2)]
    return sorted(
        (name, value)
        for name, value in pairs
        if name.startswith("access-control-") and (preflight or name not in PREFLIGHT_ONLY)
    )


@pytest.fixture(scope="module")
def answers() -> dict[str, dict[str, list[dict[str, Any]]]]:
    if not (HARNESS / "node_modules" / "apollo-server-express").is_dir():
        if os.environ.get("CI"):
            pytest.fail("run `npm ci` in tests/node_apollo3")
        pytest.skip("run `npm ci` in tests/node_apollo3 first")
    script = SCRIPT % {
        "modules": json.dumps(str(HARNESS / "node_modules")),
        "cases": json.dumps(CASES),
        "origins": json.dumps([SHOP, TICKETS, "https://evil.example", None]),
    }
    out = subprocess.run(["node", "-e", script], capture_output=True, text=True, timeout=120, check=True)
    parsed: dict[str, dict[str, list[dict[str, Any]]]] = json.loads(out.stdout)
    return parsed


def _cors302(project: Path) -> list[str]:
    return [f.message for f in lint([project], Settings()).findings if f.rule_id == "CORS302"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_stack_sends_the_first_layers_answers(name: str, answers: dict[str, Any]) -> None:
    stacked, first = answers[name]["both"], answers[name]["first"]
    for index, (mine, theirs) in enumerate(zip(stacked, first, strict=True)):
        preflight = index % 3 == 0
        assert mine["status"] == theirs["status"] or not preflight
        assert _headers(mine, preflight=True) == _headers(theirs, preflight=True), (name, index)
    # each Allow-Origin a single line: the later layer replaces, never adds
    for answer in stacked:
        assert [h.lower() for h in answer["headers"][::2]].count("access-control-allow-origin") <= 1


def test_a_default_apollo_layer_with_its_own_policy_is_reported(answers: dict[str, Any]) -> None:
    first, apollo = answers["star"]["first"], answers["star"]["apollo"]
    actual = [i for i in range(len(first)) if i % 3]
    # Apollo's own answers differ (no Expose-Headers), its Allow-Origin is the first's `*`
    assert any(_headers(apollo[i], preflight=False) != _headers(first[i], preflight=False) for i in actual)
    for i in actual:
        assert [v for k, v in _headers(apollo[i], preflight=False) if k == "access-control-allow-origin"] == [
            "*"
        ]
        assert [v for k, v in _headers(first[i], preflight=False) if k == "access-control-allow-origin"] == [
            "*"
        ]
    messages = _cors302(STAR)
    assert len(messages) == 1
    assert "writes the same `Access-Control-Allow-Origin` again" in messages[0]
    assert "the first's headers alone" in messages[0]


@pytest.mark.parametrize("name", ["same", "identical", "reflect"])
def test_layers_with_the_same_answers_are_one_policy(name: str, answers: dict[str, Any]) -> None:
    first, apollo = answers[name]["first"], answers[name]["apollo"]
    for i in range(len(first)):
        if i % 3:
            assert _headers(apollo[i], preflight=False) == _headers(first[i], preflight=False), (name, i)
    if name in ("same", "identical"):
        assert _cors302(SAME if name == "same" else ONE_OBJECT) == []
