"""Differential truth for an `origin` the cors package gets as a boolean expression
corslint cannot evaluate (`origin: siteAddress.startsWith("https://")`, AmruthPillai/
Reactive-Resume; extractors.express.boolean_origins): judged as `true`, the only value that
sends CORS headers. The fixture's own server runs under the real `cors` package on express
(tests/node/harness.js) with the setting that makes the expression true, and must answer
the probe battery as the policy says; with it false the package sends no CORS header."""

from __future__ import annotations

from tests.conftest import FIXTURES, policies_linted_inside
from tests.test_differential_express import require_node_package
from tests.test_differential_unset_stage import _compare

NAME = "origin_boolean_from_site_scheme"


def test_a_boolean_origin_reflects_as_true_does() -> None:
    require_node_package("cors")
    (policy,) = policies_linted_inside(FIXTURES / "express" / NAME, "express")
    assert policy.options["origin"].raw is True
    settings = '{"siteAddress": "https://crm.example.com"}'
    _compare(NAME, "server.js", policy, f"process.env.GATEWAY_SETTINGS = {settings!r};\n")
