"""Differential truth for Flask-CORS behind a later-registered `after_request` hook that
writes Allow-Origin on every response (census 10 C4, MikeXilo/earthbenders-analyzer-backend
server.py). Flask runs the last-registered hook first; Flask-CORS then finds Allow-Origin
already set and leaves the response alone. The fixture flask/cors_overridden_by_later_hook
runs on the real Flask and Flask-CORS (a fresh interpreter in its folder): every answer and
preflight carries the hook's `*`, never the extension's reflection, so corslint reports the
extension as having no effect (CORS303) instead of CORS101, and judges the hook. Registered
the other way round (the hook first), the extension answers first, its other headers
stay, and it is judged as before."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import FIXTURES, run_lint

PROJECT = FIXTURES / "flask" / "cors_overridden_by_later_hook"

_PROBE = """
import json
from app import app

client = app.test_client()
out = []
for method, origin in (("GET", "https://evil.example"), ("OPTIONS", "https://evil.example"), ("GET", None)):
    headers = {"Origin": origin} if origin else {}
    if method == "OPTIONS":
        headers["Access-Control-Request-Method"] = "POST"
    answer = client.open("/readings", method=method, headers=headers)
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


def test_the_later_hook_decides_every_answer() -> None:
    for answer in _real(PROJECT):
        assert answer["access-control-allow-origin"] == "*"  # never the extension's reflection
        assert answer["access-control-allow-credentials"] == "true"
    found = sorted((f.rule_id, f.location.line) for f in run_lint(PROJECT).findings)
    assert found == [("CORS105", 13), ("CORS201", 14), ("CORS204", 15), ("CORS303", 7)]


def test_a_hook_registered_first_leaves_the_extension_judged(tmp_path: Path) -> None:
    text = (PROJECT / "app.py").read_text()
    cors_line = "CORS(app, supports_credentials=True)  # expect: CORS303\n"
    moved = text.replace(cors_line, "").replace("@app.route", cors_line + "\n\n@app.route", 1)
    (tmp_path / "app.py").write_text(moved)
    (tmp_path / "requirements.txt").write_text((PROJECT / "requirements.txt").read_text())
    real = _real(tmp_path)
    # Flask-CORS answers first now; the hook replaces Allow-Origin afterwards, but the
    # extension's other headers (its preflight lists, Vary) still reach the browser
    assert real[1]["access-control-allow-methods"]
    rules = {f.rule_id for f in run_lint(tmp_path).findings}
    assert "CORS303" not in rules
