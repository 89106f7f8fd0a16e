"""Differential truth for origin callbacks that test a mixed allow-list entry by kind.

`list.some((o) => o instanceof RegExp ? o.test(origin) : o === origin)` (and the `typeof
o === "string"` spelling) is judged as the list itself handed to `cors`. Here each
fixture's own server runs under the real `cors` package on express (tests/node/harness.js,
a "node" case), and corslint's policy must answer the probe battery exactly as it does.
"""

from __future__ import annotations

import re

import pytest

from corslint.model import OriginFunction
from tests.conftest import FIXTURES, policies_linted_inside
from tests.probe_battery import battery
from tests.test_differential_express import compare_answers, require_node_package, run_harness, wire

PROJECTS = (
    "callback_some_mixed_entries",
    "callback_some_mixed_entries_clean",
    "callback_some_mixed_entries_if_return",
)


@pytest.mark.parametrize("name", PROJECTS)
def test_callback_answers_as_the_listed_origins(name: str) -> None:
    require_node_package("cors")
    project = FIXTURES / "express" / name
    (policy,) = policies_linted_inside(project, "express")
    origin = policy.options["origin"]
    assert isinstance(origin.raw, OriginFunction) and origin.raw.kind == "allow-list"
    requests = battery(policy)
    server = re.sub(r"app\.listen\([^)]*\);", "", (project / "server.js").read_text("utf-8"))
    server += "\napp.all(/.*/, (req, res) => res.status(200).send('ok'));\n"  # every probed path answers
    case = {
        "kind": "node",
        "name": name,
        "preamble": server,
        "source": "app",
        "requests": [wire(request) for request in requests],
    }
    real_answers = run_harness([case])[name]
    mismatches, compared = compare_answers(policy, list(requests), real_answers)
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 50
