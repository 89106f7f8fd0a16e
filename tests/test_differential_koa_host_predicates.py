"""Differential truth: a hand-written Koa middleware that cuts the scheme and port off the
Origin and tests the host with a list of predicates (fixture handwritten_host_predicate_list).

The real Koa (tests/node) runs the fixture's middleware, written out here in plain
JavaScript; corslint's model must give every request the status and Allow-Origin Koa sends:
each listed host under any scheme and port, and nothing for hosts that only contain a
listed name.
"""

from __future__ import annotations

import json
import subprocess

from corslint.frameworks import framework_of
from corslint.http import Request
from tests.conftest import FIXTURES, policies_linted_inside
from tests.test_differential_express import NODE_DIR, require_node_package

PROJECT = FIXTURES / "koa" / "handwritten_host_predicate_list"
ORIGINS = (
    None,
    "https://rooms.example",
    "http://rooms.example:8080",
    "https://east.rooms.example",
    "http://localhost:3000",
    "https://rooms.example.evil.example",
    "https://evilrooms.example",
    "https://localhost.evil.example",
    "null",
)
REQUESTS = [("GET", origin) for origin in ORIGINS] + [("OPTIONS", origin) for origin in ORIGINS]

_APP = r"""
const Koa = require("koa");
const trustedHosts = [
  (h) => h.endsWith(".rooms.example"),
  (h) => h === "rooms.example",
  (h) => h === "localhost",
];
const app = new Koa();
app.use(async (ctx, next) => {
  const { origin } = ctx.request.headers;
  if (origin) {
    const host = (origin.split("/").slice(-1)[0] || "").split(":")[0] || "";
    if (host && trustedHosts.find((test) => test(host))) {
      ctx.set("Access-Control-Allow-Origin", origin);
      ctx.set("Access-Control-Allow-Methods", "GET,POST,DELETE");
      ctx.set("Access-Control-Allow-Headers", "Content-Type");
    }
  }
  if (ctx.method === "OPTIONS") {
    ctx.status = 204;
    return;
  }
  await next();
});
app.use(async (ctx) => { ctx.body = { rooms: [] }; });
const requests = JSON.parse(process.argv[1]);
const server = app.listen(0, "127.0.0.1", async () => {
  const out = [];
  for (const [method, origin] of requests) {
    const headers = origin ? { Origin: origin } : {};
    if (method === "OPTIONS") headers["Access-Control-Request-Method"] = "POST";
    const reply = await fetch(`http://127.0.0.1:${server.address().port}/`, { method, headers });
    out.push([reply.status, reply.headers.get("access-control-allow-origin")]);
  }
  server.close();
  console.log(JSON.stringify(out));
});
"""


def test_host_predicate_list_matches_koa() -> None:
    require_node_package("koa")
    done = subprocess.run(
        ["node", "-e", _APP, json.dumps(REQUESTS)],
        cwd=NODE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    real = json.loads(done.stdout.strip().splitlines()[-1])
    [policy] = policies_linted_inside(PROJECT, "koa_headers")
    for (method, origin), (status, allow_origin) in zip(REQUESTS, real, strict=True):
        headers = (("access-control-request-method", "POST"),) if method == "OPTIONS" else ()
        predicted = framework_of(policy).respond(policy, Request(method, origin, headers))
        # the model answers None where the request goes on to the last middleware (200)
        assert (predicted.status or 200, predicted.get("Access-Control-Allow-Origin")) == (
            status,
            allow_origin,
        ), (method, origin)
