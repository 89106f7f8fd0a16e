"""Differential truth for Flask-CORS and a later `after_request` hook that writes
Allow-Origin on every response, both registered inside one setup function on its `app`
parameter (census 11 C3, FatOtter/visual_element_driver src/middleware/cors.py): the
function-local sibling of census 10 C4. The fixture flask/cors_overridden_by_hook_in_setup_function
runs on the real Flask and Flask-CORS (a fresh interpreter in its folder): every answer and
preflight carries the hook's `*` and never the extension's echo with credentials, so corslint
reports the extension as having no effect (CORS303) instead of CORS101. With the hook
registered first the extension answers first and is judged as before (CORS101)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from shutil import copytree

from tests.conftest import FIXTURES, run_lint

PROJECT = FIXTURES / "flask" / "cors_overridden_by_hook_in_setup_function"
SETUP = Path("ledger") / "web" / "sharing.py"

_PROBE = """
import json
from ledger.app import app

client = app.test_client()
out = []
for method, origin in (("GET", "https://evil.example"), ("OPTIONS", "https://evil.example")):
    headers = {"Origin": origin}
    if method == "OPTIONS":
        headers["Access-Control-Request-Method"] = "POST"
    answer = client.open("/entries", method=method, headers=headers)
    out.append({k.lower(): v for k, v in answer.headers.items() if k.lower().startswith("access-control-allow")})
print(json.dumps(out))
"""


def _real(folder: Path) -> list[dict[str, str]]:
    completed = subprocess.run(
        [sys.executable, "-c", _PROBE],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert completed.returncode == 0, completed.stderr
    answers: list[dict[str, str]] = json.loads(completed.stdout.strip().splitlines()[-1])
    return answers


def test_the_later_hook_in_the_setup_function_decides_every_answer() -> None:
    for answer in _real(PROJECT):
        assert answer["access-control-allow-origin"] == "*"  # never the extension's echo
        assert "access-control-allow-credentials" not in answer
    found = sorted((f.rule_id, f.location.line) for f in run_lint(PROJECT).findings)
    assert found == [("CORS105", 11), ("CORS303", 7)]


def test_a_hook_registered_first_in_the_setup_function_leaves_the_extension_judged(tmp_path: Path) -> None:
    copytree(PROJECT, tmp_path / "p")
    setup = tmp_path / "p" / SETUP
    lines = setup.read_text().splitlines(keepends=True)
    cors = next(line for line in lines if line.lstrip().startswith("CORS(app"))
    lines.remove(cors)
    lines.insert(lines.index("        return response\n") + 1, cors.split("  #")[0] + "\n")
    setup.write_text("".join(lines))
    real = _real(tmp_path / "p")
    # Flask-CORS answers first now; the hook replaces Allow-Origin afterwards, but the
    # extension's credentials header still reaches the browser: it does decide answers
    assert real[0]["access-control-allow-credentials"] == "true"
    rules = {f.rule_id for f in run_lint(tmp_path / "p").findings}
    assert "CORS303" not in rules
