from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path

import pytest

from corslint.cli import main
from corslint.model import CorsPolicy
from corslint.rules import RULE_IDS
from corslint.runner.result import RunResult
from corslint.runner.run import lint
from corslint.runner.settings import Settings, find_config, load

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
# the fixture projects are code to lint, test suites of their own included: never collected
collect_ignore = ["fixtures"]


def run_lint(path: Path, settings: Settings | None = None) -> RunResult:
    if settings is None:
        found = find_config(path)
        settings = load(found, RULE_IDS) if found is not None else Settings()
    return lint([path], settings)


def policies_linted_inside(project: Path, framework: str) -> list[CorsPolicy]:
    """The `framework` policies of `project`, linted from inside it: their paths are
    relative to it, as a harness that loads the project's files names them."""
    cwd = Path.cwd()
    os.chdir(project)
    try:
        return [p for p in run_lint(Path(".")).policies if p.framework == framework]
    finally:
        os.chdir(cwd)


def run_cli(*arguments: str) -> tuple[int, str, str]:
    """`corslint ARGUMENTS` in this process: its exit code, stdout and stderr."""
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(list(arguments))
    return code, stdout.getvalue(), stderr.getvalue()


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary working directory, so reported paths are short and relative."""
    monkeypatch.chdir(tmp_path)
    return tmp_path
