"""Differential truth for CORS302 on NestJS `app.useStaticAssets(dir, { prefix, setHeaders })`
after `app.enableCors(...)` (`extractors/express/nest_static_assets.py`).

On the Express adapter, `enableCors(options)` is `app.use(cors(options))` and
`useStaticAssets(dir, options)` is `app.use(prefix, express.static(dir, options))`, both at
the call. The fixture's two layers are rebuilt that way on the pinned express 5.3.0,
cors 2.8.6 and serve-static of tests/node, with the options corslint read: on a file under
the prefix, the static layer's `setHeaders` replaces cors's Allow-Origin while cors's
`Access-Control-Allow-Credentials` stays (the mix CORS302 reports), and each value is the
one the model of its own layer predicts.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from corslint.frameworks import framework_of
from corslint.http import Request
from tests.conftest import FIXTURES, policies_linted_inside
from tests.test_differential_express import NODE_DIR, require_node_package

FIXTURE = FIXTURES / "express" / "nest_static_assets_set_headers_after_enable_cors"
ORIGINS = ("https://board.recipes.example", "https://evil.example")

_SCRIPT = """
const express = require('express');
const cors = require('cors');
const [dir, prefix, origin, credentials] = process.argv.slice(2);
const app = express();
app.use(cors({ origin, credentials: credentials === 'true' }));
app.use(prefix, express.static(dir, { setHeaders: (res) => {
  res.setHeader('Access-Control-Allow-Origin', '*');
} }));
const server = app.listen(0, async () => {
  const out = [];
  for (const o of %s) {
    const r = await fetch(`http://127.0.0.1:${server.address().port}${prefix}dish.jpg`, { headers: { origin: o } });
    const h = {};
    r.headers.forEach((v, k) => { if (k.startsWith('access-control-')) h[k] = v; });
    out.push({ status: r.status, headers: h });
  }
  console.log(JSON.stringify(out));
  server.close();
});
"""


def test_static_set_headers_replace_allow_origin_and_keep_cors_credentials() -> None:
    for needed in ("express", "cors", "serve-static"):
        require_node_package(needed)
    policies = policies_linted_inside(FIXTURE, "nestjs")
    assert len(policies) == 1
    nest = policies[0]
    static = [
        p
        for p in policies_linted_inside(FIXTURE, "express_helper_headers")
        if p.scope == "/photos/" and p.app == nest.app
    ]
    assert len(static) == 1, static
    origin, credentials = nest.options["origin"].raw, nest.options["credentials"].raw
    work = Path(tempfile.mkdtemp(prefix=".nest-static-", dir=NODE_DIR))
    try:
        (work / "photos").mkdir()
        (work / "photos" / "dish.jpg").write_bytes(b"jpeg")
        script = work / "run.cjs"
        script.write_text(_SCRIPT % json.dumps(list(ORIGINS)))
        completed = subprocess.run(
            ["node", str(script), str(work / "photos"), "/photos/", origin, json.dumps(credentials)],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=NODE_DIR,
            check=True,
        )
    finally:
        shutil.rmtree(work)
    answers = json.loads(completed.stdout)
    for request_origin, real in zip(ORIGINS, answers, strict=True):
        request = Request("GET", request_origin, path="/photos/dish.jpg", credentials=True)
        headers = real["headers"]
        assert real["status"] == 200
        # the static layer's value replaced cors's ...
        from_static = framework_of(static[0]).respond(static[0], request).get("access-control-allow-origin")
        assert headers["access-control-allow-origin"] == from_static == "*"
        # ... and cors's credentials header stayed beside it: two policies mixed
        from_cors = framework_of(nest).respond(nest, request).get("access-control-allow-credentials")
        assert headers["access-control-allow-credentials"] == from_cors == "true"
