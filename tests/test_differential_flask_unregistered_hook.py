"""Differential truth for a function written as an `after_request` hook that nothing
registers (fixture python_headers/flask_unregistered_after_request_function; the shape of
Shifu8/PracticaMetodos index.py): the real Flask 3.1 app sends no CORS header at all, so
corslint judges nothing in it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, run_lint
from tests.python_apps import fixture_module

pytest.importorskip("flask")

PROJECT = FIXTURES / "python_headers" / "flask_unregistered_after_request_function"


def test_the_app_sends_no_cors_header() -> None:
    with fixture_module(PROJECT, "serve", {"serve", "ledger"}) as serve:
        client = serve.app.test_client()
        answer = client.get("/balances", headers={"Origin": "https://attacker.invalid", "Cookie": "s=1"})
        assert answer.status_code == 200
        assert not [name for name, _ in answer.headers.items() if name.lower().startswith("access-control-")]
        assert serve.app.after_request_funcs == {}


def test_corslint_judges_nothing() -> None:
    result = run_lint(PROJECT)
    assert result.findings == []
    assert result.policies == []


def test_a_registration_in_another_module_keeps_it_judged(tmp_path: Path) -> None:

    copy = tmp_path / "project"
    shutil.copytree(PROJECT, copy)
    (copy / "wsgi.py").write_text(
        "from serve import add_cross_site_headers, app\n\napp.after_request(add_cross_site_headers)\n"
    )
    assert "CORS101" in {f.rule_id for f in run_lint(copy).findings}
