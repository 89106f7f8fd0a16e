"""Differential truth for a `cors` options delegate that sets `origin` on a module-level
options object per request (`if (list.indexOf(req.header('Origin')) !== -1)
options.origin = true; else options.origin = false; callback(null, options)`), read as an
allow-list origin function beside the object's other options (express/options.py
`_origin_property_chosen`). The fixture's own delegate module runs under the real `cors`
package on express (tests/node/harness.js, a "node" case), and the policy corslint reads
must answer the probe battery exactly as the real delegate does."""

from __future__ import annotations

from corslint.frameworks import framework_of
from corslint.model import UnresolvedValueError
from tests.conftest import FIXTURES, policies_linted_inside
from tests.probe_battery import battery
from tests.test_differential_express import answer_mismatch, require_node_package, run_harness, wire

PROJECT = FIXTURES / "express" / "cors_delegate_shared_options_origin_flag"
APP = """(() => {
  const express = require('express');
  const cors = require('cors');
  const app = express();
  app.use(cors(module.exports));
  const ok = (req, res) => res.status(200).send('ok');
  for (const verb of ['get', 'post', 'put', 'patch', 'delete']) app[verb](/.*/, ok);
  return app;
})()"""


def test_shared_options_delegate_answers_as_the_real_cors() -> None:
    require_node_package("cors")
    (policy,) = policies_linted_inside(PROJECT, "express")
    requests = list(battery(policy))
    preamble = "const module = { exports: {} };\n" + (PROJECT / "src/http/corsDelegate.js").read_text()
    case = {
        "kind": "node",
        "name": "shared",
        "preamble": preamble,
        "source": APP,
        "requests": [wire(request) for request in requests],
    }
    real_answers = run_harness([case])["shared"]
    mismatches = []
    compared = 0
    for request, real in zip(requests, real_answers, strict=True):
        try:
            predicted = framework_of(policy).respond(policy, request)
        except UnresolvedValueError:
            continue
        status = predicted.status if predicted.status is not None else 200
        where = f"{request.path} {request.method} Origin={request.origin} {dict(request.headers)}"
        mismatch = answer_mismatch(where, real, predicted, status)
        if mismatch is not None:
            mismatches.append(mismatch)
        compared += 1
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared == len(requests) > 50
