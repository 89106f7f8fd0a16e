"""Differential truth for set 21 (CryptoExplor/NFT-mini-app `api/_lib/cors.js`): a hand-written
Allow-Origin that a caller may pin to one trusted origin, else the request's own pick,
`settings.origin && TRUSTED.has(settings.origin) ? settings.origin : originFor(req.headers.origin)`
(extractors/express/caller_listed_origins.py).

The fixture's helper module runs in tests/node's plain `http` harness. As the function uses
it (no pinned origin), a trusted Origin is echoed with credentials and `Vary: Origin`, any
other gets the store's origin; corslint's model of the policy gives the same answers, so its
reading of the ternary as the helper's returns holds. Pinned, the header is that trusted
entry whoever asks: a constant no request chooses, which a page reads only when it is that
(listed) origin. The loopback entry of the list is reported (CORS106)."""

from __future__ import annotations

from pathlib import Path

import pytest

from corslint.http import Request
from tests.conftest import FIXTURES, run_lint, sole_policy_inside
from tests.probe_battery import battery
from tests.test_differential_express import compare_answers, module_app_answers, require_node_package

PROJECT = FIXTURES / "vercel_netlify" / "caller_listed_origin_helper"
MODULE = PROJECT / "api" / "_lib" / "share.js"
AS_USED = """(() => {
  const { shared } = module.exports;
  return shared(async (req, res) => { res.statusCode = 200; res.end('[]'); });
})()"""
PINNED = """(() => {
  const { applyShare } = module.exports;
  return (req, res) => { applyShare(req, res, { origin: 'https://studio.example.art' }); res.end('[]'); };
})()"""


def test_the_helper_as_the_functions_use_it_matches_the_model() -> None:
    require_node_package("cors")  # the harness's own dependencies are installed
    policy = sole_policy_inside(PROJECT, "node_headers")
    requests = battery(policy)
    real = module_app_answers(MODULE, AS_USED, requests)
    mismatches, compared = compare_answers(policy, requests, real)
    assert not mismatches, "\n".join(mismatches[:20])
    # the preflight's status is the wrapper's (`shared`), not the helper's: left unresolved
    assert compared == sum(request.method != "OPTIONS" for request in requests) > 40


def test_a_pinned_origin_is_the_same_trusted_entry_for_every_caller() -> None:
    require_node_package("cors")
    origins = ["https://studio.example.art", "https://gallery.example.art", "https://elsewhere.example"]
    real = module_app_answers(MODULE, PINNED, [Request("GET", origin, path="/") for origin in origins])
    for answer in real:
        sent = [value for name, value in answer["headers"] if name.lower() == "access-control-allow-origin"]
        assert sent == ["https://studio.example.art"], answer


def test_corslint_reports_the_loopback_entry_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(PROJECT)  # linted from inside: `tests/` above it is the user's folder
    findings = run_lint(Path(".")).findings
    assert [(f.rule_id, f.location.line) for f in findings] == [("CORS106", 7)], findings
