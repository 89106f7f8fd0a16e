"""A module name bound in two arms (`origins = "*"` under `if allowed == "*":`, else a list),
read by hand-written CORS code at request time (census 10 C4, MikeXilo/earthbenders-analyzer-
backend server.py). The real answers are compared by tests/test_python_headers.py over the
fixtures python_headers/hook_reads_module_switch (CORS105 + CORS201 "when FRONTEND_SITES is
unset") and hook_reads_module_switch_listed (clean); here, the shapes that must stay unread,
and the census shape beside Flask-CORS measured on the real Flask and Flask-CORS."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import run_lint

_SWITCH = """import os

from flask import Flask, request

app = Flask(__name__)

allowed = os.environ.get("ALLOWED_SITES", "*")
if allowed == "*":
    sites = "*"
else:
    sites = allowed.split(",")
{extra}

@app.after_request
def stamp(response):
    if sites == "*":
        response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Methods"] = "GET"
    response.headers["Access-Control-Allow-Headers"] = "Content-Type"
    return response


@app.route("/items")
def items():
    return "[]"
"""


def _rules(in_tmp: Path, text: str) -> list[tuple[int, str]]:
    (in_tmp / "app.py").write_text(text, "utf-8")
    (in_tmp / "requirements.txt").write_text("flask\n", "utf-8")
    return sorted((f.location.line, f.rule_id) for f in run_lint(Path(".")).findings)


def test_the_final_binding_is_judged_with_its_switch(in_tmp: Path) -> None:
    found = _rules(in_tmp, _SWITCH.format(extra=""))
    assert found == [(17, "CORS105")]
    message = next(f.message for f in run_lint(Path(".")).findings)
    assert message.endswith("(when ALLOWED_SITES is unset)")


@pytest.mark.parametrize(
    "extra",
    [
        # rebound by a function at run time: which binding a request meets is not known
        "\n\ndef reload():\n    global sites\n    sites = []\n",
        # changed in place after its binding
        '\nsites.append("https://late.example") if isinstance(sites, list) else None\nsites = sites\n',
    ],
)
def test_a_name_changed_later_stays_unknown(in_tmp: Path, extra: str) -> None:
    found = _rules(in_tmp, _SWITCH.format(extra=extra))
    assert "CORS105" not in {rule for _, rule in found}
    assert "CORS305" in {rule for _, rule in found}


_C4 = """import os

from flask import Flask, jsonify, request
from flask_cors import CORS

app = Flask(__name__)

wanted = os.environ.get("PANEL_ORIGIN", "*")
if wanted == "*":
    panel = "*"
else:
    panel = [o.strip() for o in wanted.split(",")]

CORS(app, supports_credentials=True, origins=panel)


@app.after_request
def panel_headers(response):
    caller = request.headers.get("Origin")
    if panel == "*":
        response.headers["Access-Control-Allow-Origin"] = "*"
    elif caller and caller in panel:
        response.headers["Access-Control-Allow-Origin"] = caller
    response.headers["Access-Control-Allow-Credentials"] = "true"
    return response


@app.route("/me")
def me():
    return jsonify(name="ada")
"""

_PROBE = """
import json
from app import app

client = app.test_client()
out = []
for method, extra in (("GET", {}), ("OPTIONS", {"Access-Control-Request-Method": "PUT"})):
    answer = client.open("/me", method=method, headers={"Origin": "https://evil.example", **extra})
    out.append({k.lower(): v for k, v in answer.headers.items() if k.lower().startswith("access-control-allow-o")
                or k.lower() == "access-control-allow-credentials"})
print(json.dumps(out))
"""


@pytest.mark.skipif(importlib.util.find_spec("flask_cors") is None, reason="flask-cors is not installed")
def test_the_hook_beside_flask_cors_is_judged_as_it_answers(in_tmp: Path) -> None:
    """The hook, registered after `CORS(app)`, runs first: `*` with credentials on every
    answer (measured), which the hook's findings now say (CORS201, CORS105); the extension's
    own findings are another layer's question (flask/overriding_hooks.py)."""
    (in_tmp / "app.py").write_text(_C4, "utf-8")
    (in_tmp / "requirements.txt").write_text("flask\nflask-cors\n", "utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PANEL_ORIGIN"}
    completed = subprocess.run(
        [sys.executable, "-c", _PROBE],
        cwd=in_tmp,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**env, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert completed.returncode == 0, completed.stderr
    real = json.loads(completed.stdout)
    expected = {"access-control-allow-origin": "*", "access-control-allow-credentials": "true"}
    assert real == [expected, expected]
    findings = run_lint(Path(".")).findings
    hook = [f for f in findings if f.framework == "flask_headers"]
    assert sorted((f.rule_id, f.location.line) for f in hook) == [("CORS105", 21), ("CORS201", 24)]
    assert all(f.message.endswith("(when PANEL_ORIGIN is unset)") for f in hook)
    # the extension never decides on the defaults (its hook test is decided there): CORS303,
    # not CORS101, and no CORS302 between a layer that answers and one that does not
    assert {f.rule_id for f in findings if f.framework != "flask_headers"} == {"CORS303"}
