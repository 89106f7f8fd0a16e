"""Differential truth for the POST20-NODE fix to cors origin callbacks (set 20,
Zrodkin/shlichuslinkstake2-backend): two cors layers of one app whose origin functions each
declare their own `const permitted = LIST.includes(origin) || (typeof origin === 'string'
&& origin.endsWith('.netlify.app'))`. The name is declared twice in the module, so only
JavaScript scoping says which declarator each `if (!origin || permitted)` reads
(js/scoped_bindings.py); before, both layers were left unknown (CORS305).

The fixture's server runs under the real `cors` package on express (tests/node/harness.js),
and the global layer's policy must answer the probe battery exactly as it does: the
`app.options(/.*/, ...)` layer after it never runs, as the global cors() already ends every
preflight.
"""

from __future__ import annotations

import re

from tests.conftest import FIXTURES, policies_linted_inside
from tests.probe_battery import battery
from tests.test_differential_express import compare_answers, require_node_package, run_harness, wire

NAME = "origin_functions_each_own_allowed_const"


def test_each_layer_reads_its_own_const_as_the_real_cors_package() -> None:
    require_node_package("cors")
    project = FIXTURES / "express" / NAME
    policies = policies_linted_inside(project, "express")
    assert policies, "no express policy"
    policy = min(policies, key=lambda p: p.location.line)  # the global app.use(cors(...))
    assert policy.options["origin"].known, policy.options["origin"]
    requests = battery(policy)
    text = (project / "app.js").read_text("utf-8")
    server = re.sub(r"app\.listen\([^;]*\);", "", text)
    server += "\napp.all(/.*/, (req, res) => res.status(200).send('ok'));\n"  # every probed path answers
    case = {
        "kind": "node",
        "name": NAME,
        "preamble": server,
        "source": "app",
        "requests": [wire(request) for request in requests],
    }
    real_answers = run_harness([case])[NAME]
    mismatches, compared = compare_answers(policy, list(requests), real_answers)
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 20
