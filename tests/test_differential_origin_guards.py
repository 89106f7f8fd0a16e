"""Differential truth for origin callbacks judged as deployed, and for options built by a
project's own helpers.

- `if (!origin || !isProduction) return callback(null, true)`: with NODE_ENV=production
  only the missing Origin passes there (origin_guards);
- `if (!origin && process.env.BUILD_MODE === "dev")`: never taken while BUILD_MODE is unset;
- `isTrustedOrigin(origin)`, a predicate of the project's own (`!o || list.includes(o) || re.test(o)`);
- `tidy(origin)` compared with `Array.from(new Set([...].map(tidy).filter(...)))`;
- `cors(buildCorsOptions(LIST))`, an options factory;
- answers written as one test: `callback(null, !o || L.includes(o) || (isDev && LOCAL.test(o)))`
  (the dev-only operand is false as deployed) and `... || !L.length` (true while L's variable
  is unset: every Origin passes);
- a hand-written echo under a predicate written as early returns (`if (RE.test(o)) return true`);
- JavaScript class ranges Python refuses (a class escape at one end of a range, Annex B), against node's RegExp.

Each fixture's own server runs under the real `cors` package on express (tests/node/harness.js,
a "node" case) in the deployment corslint judges (NODE_ENV=production, the other variables
unset), and corslint's policy must answer the probe battery exactly as it does.
"""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from corslint.browser import PageRequest
from corslint.frameworks.express import regex_test
from corslint.model import Regex
from tests.conftest import FIXTURES, policies_linted_inside
from tests.probe_battery import battery
from tests.test_differential_express import compare_answers, require_node_package, run_harness, wire

PROJECTS = (
    ("origin_callback_production_or_guard", "express"),
    ("origin_callback_dev_mode_and_guard", "express"),
    ("origin_predicate_helper_local", "express"),
    ("origin_callback_normalised_list", "express"),
    ("cors_options_factory_argument", "express"),
    ("origin_answer_dev_only_operand", "express"),  # `!o || L.includes(o) || (isDev && ...)`
    ("origin_answer_empty_list_allows_all", "express"),  # `... || !L.length`, L's variable unset
    ("origin_callback_test_held_in_local", "express"),  # `const listed = L.includes(origin); if (listed)`
    ("handwritten_route_block_predicate", "express_headers"),  # early-return predicate, echoed
)
_EXTRA_ORIGINS = ("http://localhost:5173", "http://127.0.0.1:3000", "https://preview-1.vercel.app")
# the deployment judged: production, and the variables the fixtures read unset
_DEPLOYED = (
    'process.env.NODE_ENV = "production";\n'
    "delete process.env.BUILD_MODE;\n"
    "delete process.env.EXTRA_ORIGINS;\n"
    "delete process.env.CORS_ALLOWED_ORIGINS;\n"
    "delete process.env.PLANNER_SITES;\n"
)


@pytest.mark.parametrize(("name", "framework"), PROJECTS)
def test_policy_answers_as_the_running_server(name: str, framework: str) -> None:
    require_node_package("cors")
    project = FIXTURES / "express" / name
    (policy,) = policies_linted_inside(project, framework)
    assert all(value.known for value in policy.options.values())
    requests = battery(policy)
    for origin in _EXTRA_ORIGINS:  # origins only development lets in: refused as deployed
        requests += [
            PageRequest(origin, "GET", credentials=True, path=policy.probe_path).actual(),
            PageRequest(
                origin, "PUT", (("content-type", "application/json"),), path=policy.probe_path
            ).preflight(),
        ]
    server = re.sub(r"app\.listen\([^)]*\);", "", (project / "server.js").read_text("utf-8"))
    server += "\napp.all(/.*/, (req, res) => res.status(200).send('ok'));\n"  # every probed path answers
    case = {
        "kind": "node",
        "name": name,
        "preamble": _DEPLOYED + server,
        "source": "app",
        "requests": [wire(request) for request in requests],
    }
    real_answers = run_harness([case])[name]
    mismatches, compared = compare_answers(policy, list(requests), real_answers)
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared > 50


_ANNEX_B = (
    r"^(https?:\/\/)?(([\w\d-\.]*)?\.)?071.kr",
    r"^https:\/\/[a-\d]+\.example$",
    r"^https:\/\/[\w-]+\.ex$",
)
_PROBES = (
    "https://a-b.071.kr",
    "https://071.kr.evil.test",
    "https://-.example",
    "https://a.example",
    "https://x-y.ex",
)


def test_annex_b_class_ranges_match_as_node_does() -> None:
    """`[\\w\\d-\\.]`: Node reads the `-` as itself (no range); so must `python_regex`."""
    script = (
        "const [patterns, probes] = JSON.parse(process.argv[1]);"
        "console.log(JSON.stringify(patterns.map((p) => probes.map((o) => new RegExp(p).test(o)))));"
    )
    completed = subprocess.run(
        ["node", "-e", script, json.dumps([_ANNEX_B, _PROBES])],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    expected = json.loads(completed.stdout)
    ours = [[regex_test(Regex(pattern), probe) for probe in _PROBES] for pattern in _ANNEX_B]
    assert ours == expected
