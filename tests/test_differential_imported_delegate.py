"""Differential truth for a `cors` options delegate required from its own module.

The fixtures tests/fixtures/express/imported_delegate_{allowlist,reflects_all} pass
`cors(corsOptionsDelegate)` a delegate exported by another module (the cors README's
allow-list delegate, and one whose check was removed so it always answers `origin: true`).
Each delegate module runs under the real `cors` package on express (tests/node/harness.js,
a "node" case), and corslint's one policy must answer the probe battery exactly as it does.
"""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES, policies_linted_inside
from tests.probe_battery import battery
from tests.test_differential_express import compare_answers, require_node_package, run_harness, wire

APP = """(() => {
  const express = require('express');
  const cors = require('cors');
  const app = express();
  app.use(cors(module.exports));
  const ok = (req, res) => res.status(200).send('ok');
  for (const verb of ['get', 'post', 'put', 'patch', 'delete']) app[verb](/.*/, ok);
  return app;
})()"""


@pytest.mark.parametrize(
    ("project", "delegate_file"),
    [
        ("imported_delegate_allowlist", "src/middlewares/cors.js"),
        ("imported_delegate_reflects_all", "cors.config.js"),
    ],
)
def test_imported_delegate_answers_as_the_real_one(project: str, delegate_file: str) -> None:
    require_node_package("cors")
    root = FIXTURES / "express" / project
    policies = policies_linted_inside(root, "express")
    assert len(policies) == 1
    policy = policies[0]
    requests = list(battery(policy))
    preamble = "const module = { exports: {} };\n" + (root / delegate_file).read_text()
    case = {
        "kind": "node",
        "name": project,
        "preamble": preamble,
        "source": APP,
        "requests": [wire(request) for request in requests],
    }
    real_answers = run_harness([case])[project]
    mismatches, compared = compare_answers(policy, list(requests), real_answers)
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared == len(requests) > 30
