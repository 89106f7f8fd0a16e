"""Differential truth for held-out set 24 (stenoip/oodles `api/_cors.js`): a Vercel functions
helper that copies its `(req, res)` parameters into locals and, handed the response alone,
takes the request from `res.req` (extractors/express/helper_parameter_aliases.py), with the
Origin read as `request && request.headers ? request.headers.origin : undefined`.

The fixture's helper module runs in tests/node's plain `http` harness, called as each
function calls it: with the response alone (api/departures.js) and with both (api/stops.js).
Either way a permitted Origin is echoed without `Vary` and any other gets the first entry;
corslint's model of each function's policy gives the same answers. Where the test of the
one-argument form is not one corslint decides, the copies are not read at all."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from corslint.http import Request
from tests.conftest import FIXTURES, linted_inside, run_lint
from tests.probe_battery import battery
from tests.test_differential_express import compare_answers, module_app_answers, require_node_package

PROJECT = FIXTURES / "vercel_netlify" / "helper_parameter_copies_response_only"
MODULE = PROJECT / "api" / "_cors.js"
CALLED = """(() => {
  const { allowCrossOrigin } = module.exports;
  return async (req, res) => {
    allowCrossOrigin(%s);
    if (req.method === "OPTIONS") { res.statusCode = 204; return res.end(); }
    res.end("[]");
  };
})()"""


@pytest.mark.parametrize(
    ("function", "arguments"), [("api/departures.js", "res"), ("api/stops.js", "req, res")]
)
def test_each_call_form_matches_the_model(function: str, arguments: str) -> None:
    require_node_package("cors")  # the harness's own dependencies are installed
    (policy,) = [p for p in linted_inside(PROJECT) if p.location.path == function]
    requests = battery(policy)
    real = module_app_answers(MODULE, CALLED % arguments, requests)
    mismatches, compared = compare_answers(policy, requests, real, unresolved_counts=True)
    assert not mismatches, "\n".join(mismatches[:20])
    assert compared == len(requests) > 20
    echoed = module_app_answers(MODULE, CALLED % arguments, [Request("GET", "http://127.0.0.1:5500")])
    assert ("access-control-allow-origin", "http://127.0.0.1:5500") in [
        (name.lower(), value) for name, value in echoed[0]["headers"]
    ]


def test_an_undecided_test_leaves_the_copies_unread(tmp_path: Path) -> None:
    copy = tmp_path / "project"
    shutil.copytree(PROJECT, copy)
    helper = copy / "api" / "_cors.js"
    source = helper.read_text()
    assert "if (!res && req && req.setHeader) {" in source
    helper.write_text(source.replace("if (!res && req && req.setHeader) {", "if (isBare(req)) {"))
    assert linted_inside(copy) == []


def test_corslint_reports_the_loopback_entry_and_the_missing_vary(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(PROJECT)
    findings = sorted((f.rule_id, f.location.path, f.location.line) for f in run_lint(Path(".")).findings)
    assert findings == [("CORS106", "api/_cors.js", 4), ("CORS107", "api/_cors.js", 19)], findings
