"""Tests whose outcome the request itself picks (python_headers/request_arguments.py): a
check of who is asking is judged on the answers to the requests that pass it, but only
when nothing else undecided is part of the test."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_lint

GATED = """\
import os

from flask import Flask, jsonify, request

app = Flask(__name__)
OPEN_MODE = os.environ["OPEN_MODE"]


@app.get("/me")
def me():
    if {test}:
        return ("login first", 401)
    response = jsonify({{"me": 1}})
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
"""


def rules(tmp_path: Path, test: str) -> list[str]:
    (tmp_path / "app.py").write_text(GATED.format(test=test))
    return sorted(f.rule_id for f in run_lint(tmp_path).findings)


def test_a_token_check_is_judged_on_the_callers_that_pass_it(tmp_path: Path) -> None:
    assert rules(tmp_path, 'not (token := request.headers.get("Authorization"))') == ["CORS105"]


def test_a_token_check_beside_an_operator_setting_stays_undecided(tmp_path: Path) -> None:
    assert rules(tmp_path, 'OPEN_MODE and not request.headers.get("Authorization")') == ["CORS305"]


def test_an_origin_check_is_never_the_callers_choice(tmp_path: Path) -> None:
    assert rules(tmp_path, "not allowed_origin_for_user(request)") == ["CORS305"]
