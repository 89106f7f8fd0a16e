"""The real `pre-commit try-repo` runs the hook from this repository on a scratch repo."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

BAD = """\
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True, allow_methods=["*"], allow_headers=["Authorization"])
"""
GOOD = BAD.replace('["*"], allow_credentials', '["https://app.example.com"], allow_credentials')

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is needed for pre-commit")


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


def try_repo(repo: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "corslint", "--all-files"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_hook_fails_on_a_bad_app_and_passes_on_a_good_one(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "test@example.invalid")
    git(repo, "config", "user.name", "test")
    (repo / "main.py").write_text(BAD)
    (repo / "README.md").write_text("scratch\n")
    git(repo, "add", ".")
    home = tmp_path / "pre-commit-home"

    bad = try_repo(repo, home)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "main.py:5:50: CORS101 [error]" in bad.stdout

    (repo / "main.py").write_text(GOOD)
    # pre-commit names each file: the hook applies the settings' `exclude` to them too
    (repo / "legacy").mkdir()
    (repo / "legacy" / "main.py").write_text(BAD)
    (repo / ".corslint.toml").write_text('exclude = ["legacy/**"]\n')
    git(repo, "add", ".")
    good = try_repo(repo, home)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "corslint" in good.stdout and "Passed" in good.stdout
