"""Hand-written code that echoes the requested headers into Allow-Headers (`*` only when
none are asked for) allows Authorization on the preflight that asks for it: no CORS204
or CORS205 from the ordinary response that stands in for that answer (blind set 14)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_lint


@pytest.mark.parametrize(
    ("allow_headers", "expected"),
    [
        ('request.headers.get("Access-Control-Request-Headers", "*")', set()),
        ('"*"', {"CORS204", "CORS205"}),
    ],
)
def test_echoed_allow_headers(tmp_path: Path, allow_headers: str, expected: set[str]) -> None:
    (tmp_path / "requirements.txt").write_text("flask==3.1.0\n")
    (tmp_path / "cors_headers.py").write_text(
        "from flask import request\n"
        "\n"
        'SITE = "https://app.example.com"\n'
        "\n"
        "\n"
        "def apply_cors(resp):\n"
        '    resp.headers["Access-Control-Allow-Origin"] = SITE\n'
        f'    resp.headers["Access-Control-Allow-Headers"] = {allow_headers}\n'
        '    resp.headers["Access-Control-Allow-Methods"] = "GET, POST, PUT, DELETE"\n'
        '    resp.headers["Access-Control-Allow-Credentials"] = "true"\n'
        '    resp.headers["Vary"] = "Origin"\n'
    )
    (tmp_path / "main.py").write_text(
        "from flask import Flask\n"
        "\n"
        "from cors_headers import apply_cors\n"
        "\n"
        "app = Flask(__name__)\n"
        "\n"
        "\n"
        "@app.after_request\n"
        "def after(resp):\n"
        "    apply_cors(resp)\n"
        "    return resp\n"
        "\n"
        "\n"
        '@app.get("/notes")\n'
        "def notes():\n"
        "    return {'notes': []}\n"
    )
    rules = {f.rule_id for f in run_lint(tmp_path).findings}
    assert rules & {"CORS204", "CORS205"} == expected
