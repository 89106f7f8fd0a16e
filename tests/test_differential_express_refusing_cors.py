"""Differential truth: a hand-written `*` layer `.use`d after an app-wide `cors()` whose
origin function refuses unlisted origins with an error (fixture star_layer_after_refusing_cors).

The real express + cors (tests/node) run the fixture's two apps, written out here in plain
JavaScript; corslint's model of the hand-written layer must give every non-preflight request
the status and Allow-Origin the real stack sends: a 500 without CORS headers for an unlisted
Origin when the callback errors, `*` for it when the callback only answers `false`.
"""

from __future__ import annotations

import json
import subprocess

from corslint.frameworks import framework_of
from corslint.http import Request
from tests.conftest import FIXTURES, policies_linted_inside
from tests.test_differential_express import NODE_DIR, require_node_package

PROJECT = FIXTURES / "express" / "star_layer_after_refusing_cors"
LISTED = {"app.ts": "https://fleet.example.org", "partners.ts": "https://partner.example.net"}
ORIGINS = (None, "https://evil.example", "http://fleet.example.org")

_APPS = r"""
const express = require("express");
const cors = require("cors");
function star(app) {
  app.use((req, res, next) => {
    res.header("Access-Control-Allow-Origin", "*");
    next();
  });
  app.get("/", (req, res) => res.json([]));
  return app;
}
const dashboards = ["https://fleet.example.org", "https://ops.fleet.example.org"];
const fleet = express();
fleet.use(cors({ origin: (origin, done) => {
  if (!origin) return done(null, true);
  if (!dashboards.includes(origin)) return done(new Error("origin refused"), false);
  return done(null, true);
} }));
const listed = ["https://partner.example.net"];
const partners = express();
partners.use(cors({ origin: (origin, done) => {
  if (!origin || listed.includes(origin)) return done(null, true);
  return done(null, false);
} }));
const apps = { "app.ts": star(fleet), "partners.ts": star(partners) };
const origins = JSON.parse(process.argv[1]);
(async () => {
  const out = {};
  for (const [name, app] of Object.entries(apps)) {
    const server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.on("listening", resolve));
    out[name] = [];
    for (const origin of origins[name]) {
      const headers = origin ? { Origin: origin } : {};
      const reply = await fetch(`http://127.0.0.1:${server.address().port}/`, { headers });
      out[name].push([reply.status, reply.headers.get("access-control-allow-origin")]);
    }
    server.close();
  }
  console.log(JSON.stringify(out));
})();
"""


def test_hand_written_layer_after_refusing_cors_matches_express() -> None:
    require_node_package("express")
    origins = {name: [*ORIGINS, listed] for name, listed in LISTED.items()}
    done = subprocess.run(
        ["node", "-e", _APPS, json.dumps(origins)],
        cwd=NODE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    real = json.loads(done.stdout.strip().splitlines()[-1])
    policies = {
        p.location.path.rsplit("/", 1)[-1]: p for p in policies_linted_inside(PROJECT, "express_headers")
    }
    assert set(policies) == set(LISTED)
    for name, answers in real.items():
        policy = policies[name]
        for origin, (status, allow_origin) in zip(origins[name], answers, strict=True):
            predicted = framework_of(policy).respond(policy, Request("GET", origin))
            # the model answers None where the request goes on to the route (200 here)
            assert (predicted.status or 200, predicted.get("Access-Control-Allow-Origin")) == (
                status,
                allow_origin,
            ), (name, origin)
