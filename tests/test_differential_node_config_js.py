"""Differential truth for node-config JS files (`config/default.cjs`, `config/production.cjs`,
jsdelivr/data.jsdelivr.com): the fixture's own server runs under the real `config` 3.3.12
package (NODE_ENV=production, its config folder) and the real `cors` package on express
(tests/node/harness.js), and corslint's policy, read from the merged JS config files, must
answer the probe battery exactly as the server does."""

from __future__ import annotations

import json
import re

from tests.conftest import FIXTURES, policies_linted_inside
from tests.probe_battery import battery
from tests.test_differential_express import compare_answers, require_node_package, run_harness, wire

NAME = "node_config_js_modules"


def test_merged_js_config_answers_as_the_real_node_config() -> None:
    require_node_package("cors")
    require_node_package("config")
    project = FIXTURES / "express" / NAME
    (policy,) = policies_linted_inside(project, "express")
    assert policy.options["maxAge"].raw == 86400  # from default.cjs, kept by the deep merge
    requests = battery(policy)
    server = re.sub(r"app\.listen\([^;]*\);", "", (project / "src" / "server.js").read_text("utf-8"))
    server += "\napp.all(/.*/, (req, res) => res.status(200).send('ok'));\n"
    preamble = (
        f"process.env.NODE_CONFIG_DIR = {json.dumps(str(project / 'config'))};\n"
        'process.env.NODE_ENV = "production";\n'
        "process.env.SUPPRESS_NO_CONFIG_WARNING = 'y';\n"
    )
    case = {
        "kind": "node",
        "name": NAME,
        "preamble": preamble + server,
        "source": "app",
        "requests": [wire(request) for request in requests],
    }
    real_answers = run_harness([case])[NAME]
    mismatches, compared = compare_answers(policy, list(requests), real_answers)
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 20
