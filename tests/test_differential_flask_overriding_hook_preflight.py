"""Differential truth for Flask-CORS overridden by a later `after_request` hook of the app
(census 10 C4, MikeXilo/earthbenders-analyzer-backend server.py), on the real Flask and
Flask-CORS (a fresh interpreter in the fixture's folder):

- the hook writes Allow-Origin under `if allowed == "*":`, `allowed` a module name bound from
  an environment default (fixture flask/cors_overridden_by_hook_on_env_default): with the
  variable unset every answer and preflight is the hook's, so Flask-CORS is CORS303 "(when
  PARCEL_ORIGINS is unset)", not CORS101; with it set, Flask-CORS answers again;
- a hook that always writes Allow-Origin and nothing else (fixture
  flask/hook_preflight_over_overridden_cors): Flask's automatic OPTIONS answer carries only
  the hook's Allow-Origin, no Allow-Methods, so the hook is CORS206; the same hook under an
  environment default, or registered before `CORS(app)`, leaves the extension's preflight
  headers in place and is not."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import FIXTURES, run_lint

ON_DEFAULT = FIXTURES / "flask" / "cors_overridden_by_hook_on_env_default"
PREFLIGHT = FIXTURES / "flask" / "hook_preflight_over_overridden_cors"

_PROBE = """
import json, sys
from app import app

client = app.test_client()
out = []
path, origin = sys.argv[1], sys.argv[2]
for method in ("GET", "OPTIONS"):
    headers = {"Origin": origin}
    if method == "OPTIONS":
        headers["Access-Control-Request-Method"] = "PUT"
        headers["Access-Control-Request-Headers"] = "Content-Type"
    answer = client.open(path, method=method, headers=headers)
    out.append({k.lower(): v for k, v in answer.headers.items() if k.lower().startswith("access-control-allow")})
print(json.dumps(out))
"""


def _real(folder: Path, path: str, origin: str, **env: str) -> list[dict[str, str]]:
    completed = subprocess.run(
        [sys.executable, "-c", _PROBE, path, origin],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **env},
    )
    assert completed.returncode == 0, completed.stderr
    answers: list[dict[str, str]] = json.loads(completed.stdout.strip().splitlines()[-1])
    return answers


def _variant(tmp_path: Path, folder: Path, old: str, new: str) -> Path:
    text = (folder / "app.py").read_text()
    assert old in text
    (tmp_path / "app.py").write_text(text.replace(old, new))
    (tmp_path / "requirements.txt").write_text((folder / "requirements.txt").read_text())
    return tmp_path


def test_a_hook_on_an_env_default_decides_while_it_is_unset() -> None:
    for answer in _real(ON_DEFAULT, "/parcels/X1", "https://evil.example"):
        assert answer["access-control-allow-origin"] == "*"  # never the extension's reflection
    findings = run_lint(ON_DEFAULT).findings
    found = sorted((f.rule_id, f.location.line) for f in findings)
    assert found == [("CORS105", 24), ("CORS201", 25), ("CORS204", 27), ("CORS303", 18)]
    assert "PARCEL_ORIGINS is unset" in next(f.message for f in findings if f.rule_id == "CORS303")
    # set, the hook writes no Allow-Origin and the extension answers the listed origin
    listed = _real(ON_DEFAULT, "/parcels/X1", "https://shop.example", PARCEL_ORIGINS="https://shop.example")
    assert listed[0]["access-control-allow-origin"] == "https://shop.example"
    # its preflight lists replace the hook's own (which has no PUT): the extension decides
    assert "PUT" in listed[1]["access-control-allow-methods"]


def test_the_hooks_own_preflight_is_judged_when_the_extension_never_answers() -> None:
    get, preflight = _real(PREFLIGHT, "/recipes/3", "https://cook.example.org")
    assert get == {"access-control-allow-origin": "*"}
    assert preflight == {"access-control-allow-origin": "*"}  # no Allow-Methods: PUT fails
    found = sorted((f.rule_id, f.location.line) for f in run_lint(PREFLIGHT).findings)
    assert found == [("CORS105", 14), ("CORS206", 14), ("CORS303", 9)]


def test_a_hook_writing_only_on_a_default_leaves_the_preflight_unknown(tmp_path: Path) -> None:
    old = '    response.headers["Access-Control-Allow-Origin"] = "*"  # expect: CORS105, CORS206\n'
    new = (
        'import os\nallowed = os.environ.get("RECIPE_ORIGINS", "*")\n\n\n'
        "@app.after_request\ndef open_to_all(response):\n"
        '    if allowed == "*":\n        response.headers["Access-Control-Allow-Origin"] = "*"\n'
    )
    folder = _variant(tmp_path, PREFLIGHT, "@app.after_request\ndef open_to_all(response):\n" + old, new)
    # set, the extension answers the preflight with its own Allow-Methods
    preflight = _real(folder, "/recipes/3", "https://cook.example.org", RECIPE_ORIGINS="none")[1]
    assert "PUT" in preflight["access-control-allow-methods"]
    assert "CORS206" not in {f.rule_id for f in run_lint(folder).findings}


def test_a_hook_registered_first_leaves_the_preflight_unknown(tmp_path: Path) -> None:
    call = '\nCORS(app, origins=["https://cook.example.org"], methods=["GET", "PUT"])  # expect: CORS303\n'
    text = (PREFLIGHT / "app.py").read_text()
    folder = _variant(tmp_path, PREFLIGHT, call, "\n")
    moved = (
        (folder / "app.py")
        .read_text()
        .replace("@app.route", call.replace("  # expect: CORS303", "") + "\n\n@app.route")
    )
    (folder / "app.py").write_text(moved)
    assert text != moved
    preflight = _real(folder, "/recipes/3", "https://cook.example.org")[1]
    assert "PUT" in preflight["access-control-allow-methods"]  # Flask-CORS answered first
    assert "CORS206" not in {f.rule_id for f in run_lint(folder).findings}
