"""Hand-written CORS headers in a nameko HTTP entrypoint (an `HttpRequestHandler` subclass
writing on the Werkzeug `Response` it answers with): read as Werkzeug code, and named for
nameko, never for Flask, in a project without Flask (SWEEP13 M5, tyler46/nameko-http)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FIXTURES, linted_inside, run_lint

PROJECT = FIXTURES / "python_headers" / "nameko_entrypoint_star_credentials"


def test_the_entrypoints_policy_is_named_for_nameko() -> None:
    policies = linted_inside(PROJECT)
    assert [policy.framework for policy in policies] == ["nameko_headers"]


def test_the_findings_name_nameko_and_not_flask(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(PROJECT)  # linted from inside, as the fixture test lints it
    findings = run_lint(Path(".")).findings
    assert sorted(finding.rule_id for finding in findings) == ["CORS105", "CORS201"]
    for finding in findings:
        assert finding.message.startswith("Hand-written nameko (Werkzeug) CORS code"), finding.message
        assert "Flask" not in finding.message


def test_a_flask_module_beside_nameko_keeps_its_name(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(
        "from flask import Flask\n"
        "from nameko.standalone.rpc import ClusterRpcProxy\n\n"
        "app = Flask(__name__)\n\n\n"
        "@app.after_request\n"
        "def add_cors(response):\n"
        '    response.headers["Access-Control-Allow-Origin"] = "*"\n'
        "    return response\n"
    )
    assert [policy.framework for policy in linted_inside(tmp_path)] == ["flask_headers"]
