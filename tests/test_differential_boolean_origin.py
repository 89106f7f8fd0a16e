"""Differential truth for an `origin` the cors package gets as a boolean expression
corslint cannot evaluate (`origin: siteAddress.startsWith("https://")`, AmruthPillai/
Reactive-Resume; extractors.express.boolean_origins): judged as `true`, the only value that
sends CORS headers. The fixture's own server runs under the real `cors` package on express
(tests/node/harness.js) with the setting that makes the expression true, and must answer
the probe battery as the policy says; with it false the package sends no CORS header."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import FIXTURES, policies_linted_inside, run_lint
from tests.test_differential_express import require_node_package
from tests.test_differential_unset_stage import _compare

NAME = "origin_boolean_from_site_scheme"


def test_a_boolean_origin_reflects_as_true_does() -> None:
    require_node_package("cors")
    (policy,) = policies_linted_inside(FIXTURES / "express" / NAME, "express")
    assert policy.options["origin"].raw is True
    settings = '{"siteAddress": "https://crm.example.com"}'
    _compare(NAME, "server.js", policy, f"process.env.GATEWAY_SETTINGS = {settings!r};\n")


def test_the_finding_names_no_unset_variable(tmp_path: Path) -> None:
    """`publicUrl.startsWith("https://") ?? false` over `process.env.PUBLIC_URL`: an unset
    variable is what makes the test false, so CORS101 must not say "(when PUBLIC_URL is
    unset)" (ECO9, Reactive-Resume)."""
    (tmp_path / "package.json").write_text('{"dependencies": {"express": "4.21.0", "cors": "2.8.5"}}')
    (tmp_path / "server.js").write_text(
        "const express = require('express');\n"
        "const cors = require('cors');\n"
        "\n"
        "const app = express();\n"
        "const publicUrl = process.env.PUBLIC_URL;\n"
        "const isHTTPS = publicUrl.startsWith('https://') ?? false;\n"
        "app.use(cors({ origin: isHTTPS, credentials: true }));\n"
    )
    (finding,) = [f for f in run_lint(tmp_path).findings if f.rule_id == "CORS101"]
    assert "unset" not in finding.message
