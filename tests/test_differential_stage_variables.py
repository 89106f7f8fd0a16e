"""Differential truth for cors options chosen by a stage variable other than NODE_ENV:

- `origin: process.env.APP_ENV === "development" ? true : list` (`ternary_variants._deployed_arm`):
  the test never holds in production nor with APP_ENV unset, so the list is the configuration
  judged; the real server gives the same answers under APP_ENV=production and with it unset;
- `stage = process.env.APP_ENV || "development"; stage === "development" ? {...} : {...}`
  (`options._unset_chosen`): the development object runs while APP_ENV is unset, and the
  findings on its entries say so ("when APP_ENV is unset").

Each fixture's server runs under the real `cors` package on express (tests/node/harness.js, a
"node" case) in the environment named, and corslint's policy must answer the probe battery
exactly as it does.
"""

from __future__ import annotations

import re

import pytest

from corslint.browser import PageRequest
from corslint.engine import judge
from corslint.rules import RULES
from tests.conftest import FIXTURES, policies_linted_inside
from tests.probe_battery import battery
from tests.test_differential_express import compare_answers, require_node_package, run_harness, wire

EXPRESS = FIXTURES / "express"
# fixture -> the environments the one judged policy must match
CASES = {
    "stage_variable_development_test_other_arm": (
        'process.env.APP_ENV = "production";\n',
        "delete process.env.APP_ENV;\n",
    ),
    "stage_default_development_options_object": ("delete process.env.APP_ENV;\n",),
}
_EXTRA_ORIGINS = (
    "https://evil.example",
    "http://legacy.parcel-post.example",
    "https://recipes.cookbook.example",
)


@pytest.mark.parametrize(("name", "environment"), [(n, e) for n, envs in CASES.items() for e in envs])
def test_policy_answers_as_the_running_server(name: str, environment: str) -> None:
    require_node_package("cors")
    project = EXPRESS / name
    (policy,) = policies_linted_inside(project, "express")
    assert all(value.known for value in policy.options.values())
    requests = battery(policy)
    for origin in _EXTRA_ORIGINS:
        requests += [
            PageRequest(origin, "GET", credentials=True, path=policy.probe_path).actual(),
            PageRequest(
                origin, "PUT", (("content-type", "application/json"),), path=policy.probe_path
            ).preflight(),
        ]
    server = re.sub(r"app\.listen\([^)]*\);", "", (project / "server.js").read_text("utf-8"))
    server += "\napp.all(/.*/, (req, res) => res.status(200).send('ok'));\n"
    case = {
        "kind": "node",
        "name": name,
        "preamble": environment + server,
        "source": "app",
        "requests": [wire(request) for request in requests],
    }
    real_answers = run_harness([case])[name]
    mismatches, compared = compare_answers(policy, list(requests), real_answers)
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 30


def test_the_development_object_is_judged_when_the_variable_is_unset() -> None:
    (policy,) = policies_linted_inside(EXPRESS / "stage_default_development_options_object", "express")
    assert policy.options["origin"].env_var == "APP_ENV"
    findings = [f for f in judge([policy], RULES) if f.rule_id == "CORS101"]
    assert findings and all("when APP_ENV is unset" in f.message for f in findings)
