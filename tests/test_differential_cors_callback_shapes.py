"""Differential truth for cors origin callbacks and options delegates whose tests corslint
reads in shapes seen in real code (NODE8A, session 7):

- `list.some((e) => (e.startsWith('*.') && origin.endsWith(e.slice(1))) || origin === e)`
  (hdesumo/api-comptavision): each entry decides how it is compared;
- `new URL(origin).hostname` tested against a list of host names (ACT-Anti-Corruption-
  Thailand/school-governance): any scheme and port of a listed host;
- `typeof origin === 'undefined'` as the missing-Origin test (CromwellCMS/Cromwell);
- the cors 2.7 README's `callback(ok ? null : 'Bad Request', ok)`, with `ok` a list test
  or the constant `true` (a dozen public projects; `find_string`);
- `callback(null, list.includes(origin) ? origin : false)`: the Origin answered when listed.

(The options delegate fixture options_delegate_ternary_preview_host is not here: its list
has an entry corslint cannot read, so the model leaves every answer unknown; its verdict
comes from the `.includes('pages.dev')` pattern alone.)

Each fixture's own server runs under the real `cors` package on express
(tests/node/harness.js, a "node" case), and corslint's policy must answer the probe battery
exactly as it does.
"""

from __future__ import annotations

import re

import pytest

from tests.conftest import FIXTURES, policies_linted_inside
from tests.probe_battery import battery
from tests.test_differential_express import compare_answers, require_node_package, run_harness, wire

PROJECTS = {
    "origin_callback_entry_wildcards": "server.js",
    "origin_callback_url_hostname_list": "index.js",
    "origin_callback_url_hostname_equals": "server.js",  # `host === "localhost"` (sceptre12)
    "origin_callback_typeof_undefined_pattern": "src/server.js",
    "origin_callback_readme_error_ternary": "app.js",
    "origin_callback_readme_error_ternary_always_true": "app.js",
    "origin_callback_answers_origin_or_false": "server.js",
    "origin_callback_some_block_wildcard_entries": "app.js",  # `if (...) return ...;` per entry
    "origin_callback_local_list_shadowed": "gateway.js",  # another function's `const` of the same name
}


@pytest.mark.parametrize("name", sorted(PROJECTS))
def test_callback_answers_as_the_real_cors_package(name: str) -> None:
    require_node_package("cors")
    require_node_package("dotenv")
    project = FIXTURES / "express" / name
    (policy,) = policies_linted_inside(project, "express")
    requests = battery(policy)
    text = (project / PROJECTS[name]).read_text("utf-8")
    server = re.sub(r"app\.listen\([^;]*\);", "", text)
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
    assert compared > 20
