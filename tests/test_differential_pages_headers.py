"""Differential truth for a `_headers` file written for Cloudflare Pages (`pages_headers`):
the rules corslint keeps run on the real Pages asset server (@cloudflare/pages-shared
0.13.189's `generateHandler`, tests/node/pages_headers_harness.mjs), and its answers to
requests for static assets (GET and HEAD: the asset server answers every other method 405)
are compared with the ones corslint's policies predict: every matching rule applies, a
header set twice is sent with both values, patterns are case-sensitive and match the whole
path. The rules themselves are parsed by corslint (Cloudflare's `_headers` parser ships in
wrangler, not in this package); a rule for paths a Pages Function answers is left out
before (`pages_rules`), as its headers never reach those responses.

@cloudflare/pages-shared is not in tests/node/package.json (it depends on miniflare and its
workerd binary, which this handler does not use): `.ci/run` unpacks `npm pack
@cloudflare/pages-shared@0.13.189` into tests/node/node_modules; elsewhere point PAGES_SHARED_DIR
at the unpacked `package` folder. Without it the test is skipped."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from corslint.extractors.express.pages_headers import pages_root, pages_rules
from corslint.extractors.express.static_headers import _headers_file_rules
from corslint.http import Request
from tests.conftest import FIXTURES, policies_linted_inside
from tests.probe_battery import battery
from tests.test_differential_express import NODE_DIR, compare_answers, run_harness, wire

FIXTURE = FIXTURES / "vercel_netlify" / "pages_headers_rule_joined_origin"
_PACKAGE = Path("@cloudflare") / "pages-shared" / "dist" / "asset-server" / "handler.js"


def _package_ready() -> bool:
    folder = os.environ.get("PAGES_SHARED_DIR")
    handler = Path(folder) / _PACKAGE.relative_to(Path("@cloudflare") / "pages-shared") if folder else None
    return (handler is not None and handler.is_file()) or (NODE_DIR / "node_modules" / _PACKAGE).is_file()


def test_pages_headers_match_the_real_asset_server() -> None:
    if not _package_ready():
        pytest.skip("@cloudflare/pages-shared is not installed (see the module docstring)")
    headers_file = FIXTURE / "public" / "_headers"
    root = pages_root(str(headers_file))
    assert root == FIXTURE.resolve()
    rules = pages_rules(_headers_file_rules(str(headers_file), headers_file.read_text("utf-8")), root)
    assert [rule.source for rule in rules] == ["/*", "/feeds/*"]  # `/api/*`: the Function's paths
    metadata = {rule.source: {"set": {key.raw: value.raw for key, value in rule.headers}} for rule in rules}
    policies = policies_linted_inside(FIXTURE, "cloudflare_pages_headers")
    assert len(policies) == 2
    cases, expected = [], {}
    for number, policy in enumerate(policies):
        requests = [r for r in battery(policy) if r.method.upper() in {"GET", "HEAD"}]
        if policy.scope:  # a rule's policy answers for the paths its pattern matches
            requests += [Request("GET", "https://reader.tidecharts.example", path="/feeds/2026/north.json")]
        else:  # the catch-all's: every path, the other rules' headers where they match
            requests += [
                Request("GET", "https://reader.tidecharts.example", path="/feeds/north.json"),
                Request(
                    "GET", "https://reader.tidecharts.example", path="/Feeds/north.json"
                ),  # case-sensitive
                Request("GET", "https://partner.example", path="/feeds"),  # `/feeds/*` needs the slash
            ]
        name = f"{FIXTURE.name}#{number}"
        cases.append({"name": name, "rules": metadata, "requests": [wire(request) for request in requests]})
        expected[name] = (policy, requests)
    real = run_harness(cases, script="pages_headers_harness.mjs")
    total = 0
    for name, (policy, requests) in expected.items():
        mismatches, compared = compare_answers(policy, requests, real[name])
        assert not mismatches, f"{name}:\n" + "\n".join(mismatches[:20])
        total += compared
    assert total >= 10
