"""Differential truth for an absolute import that starts from the folder the app is run from
(census 10 B3, HDAI654/Zap: requirements.txt at the repository root, `cd backend && uvicorn
main:app`, backend/main.py importing `middleware.cors` from backend/middleware/ without an
`__init__.py`). The fixture starlette/script_dir_import_helper runs as that command would
run it (a fresh interpreter in its api/ folder, which Python puts on sys.path): the helper
the app imports from there adds CORSMiddleware, and Starlette reflects any Origin with
credentials. corslint reads the helper as used (CORS101), where it used to drop it as never
called (its import looked like a library's, its module being neither at the root nor under
src/)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import FIXTURES, run_lint

PROJECT = FIXTURES / "starlette" / "script_dir_import_helper"

_PROBE = """
import json
from starlette.testclient import TestClient
from main import app

client = TestClient(app)
answer = client.get("/weeks/3", headers={"Origin": "https://evil.example"})
print(json.dumps({k: answer.headers.get(k) for k in (
    "access-control-allow-origin", "access-control-allow-credentials")}))
"""


def test_helper_imported_from_the_run_folder_is_live() -> None:
    completed = subprocess.run(
        [sys.executable, "-c", _PROBE],
        cwd=PROJECT / "api",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert completed.returncode == 0, completed.stderr
    real = json.loads(completed.stdout)
    assert real == {
        "access-control-allow-origin": "https://evil.example",
        "access-control-allow-credentials": "true",
    }
    findings = run_lint(PROJECT).findings
    assert [(f.rule_id, f.location.path.rsplit("/", 1)[-1]) for f in findings] == [
        ("CORS101", "browser_access.py")
    ]
