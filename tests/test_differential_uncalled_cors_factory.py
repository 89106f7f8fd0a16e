"""Differential truth: `app.use(cors)` with the `cors` package itself, never called
(fixtures express/use_cors_factory_uncalled and use_cors_factory_called_clean).

The real express + cors (tests/node) run the fixtures' registrations, written out here in
plain JavaScript: the uncalled factory leaves every request unanswered (Express calls it as
`cors(req, res, next)`; it returns a middleware and never calls next), while
`require("cors")({...})` bound to `cors` answers with the listed origin. corslint must call
the first layer inert (CORS303's whole-layer evidence, no other rule) and model the second
as the working cors() layer it is.
"""

from __future__ import annotations

import json
import subprocess

from corslint.frameworks import framework_of
from corslint.http import Request
from tests.conftest import FIXTURES, policies_linted_inside
from tests.test_differential_express import NODE_DIR, require_node_package

UNCALLED = FIXTURES / "express" / "use_cors_factory_uncalled"
CALLED = FIXTURES / "express" / "use_cors_factory_called_clean"
LISTED = "https://uploads.example.org"

_APPS = r"""
const express = require("express");
const cors = require("cors");
const uncalled = express();
uncalled.use(cors);
uncalled.use(express.json());
uncalled.get("/notes", (req, res) => res.json([]));
const called = express();
called.use(require("cors")({ origin: ["https://uploads.example.org"] }));
called.get("/files", (req, res) => res.json([]));
const apps = { uncalled: [uncalled, "/notes"], called: [called, "/files"] };
const origins = JSON.parse(process.argv[1]);
(async () => {
  const out = {};
  for (const [name, [app, path]] of Object.entries(apps)) {
    const server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.on("listening", resolve));
    out[name] = [];
    for (const origin of origins) {
      const headers = origin ? { Origin: origin } : {};
      try {
        const reply = await fetch(`http://127.0.0.1:${server.address().port}${path}`, {
          headers,
          signal: AbortSignal.timeout(800),
        });
        out[name].push([reply.status, reply.headers.get("access-control-allow-origin")]);
      } catch (error) {
        out[name].push(["no answer", null]);
      }
    }
    server.closeAllConnections();
    server.close();
  }
  console.log(JSON.stringify(out));
})();
"""


def test_uncalled_cors_factory_matches_express() -> None:
    require_node_package("express")
    origins = [None, "https://evil.example", LISTED]
    done = subprocess.run(
        ["node", "-e", _APPS, json.dumps(origins)],
        cwd=NODE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    real = json.loads(done.stdout.strip().splitlines()[-1])
    # the real stack: no request through the uncalled factory is ever answered
    assert real["uncalled"] == [["no answer", None]] * len(origins)
    inert = policies_linted_inside(UNCALLED, "express")
    assert len(inert) == 1 and inert[0].inactive, inert
    assert "never calls next()" in inert[0].evidence[0].detail
    # `require("cors")({...})` bound to `cors` is a working layer, modelled as one
    (layer,) = [p for p in policies_linted_inside(CALLED, "express") if p.location.path == "server.js"]
    assert not layer.inactive
    for origin, (status, allow_origin) in zip(origins, real["called"], strict=True):
        predicted = framework_of(layer).respond(layer, Request("GET", origin))
        assert (predicted.status or 200, predicted.get("Access-Control-Allow-Origin")) == (
            status,
            allow_origin,
        ), origin
