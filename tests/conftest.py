from __future__ import annotations

from pathlib import Path

import pytest

from corslint.config import Settings, find_config, load
from corslint.lint import RunResult, lint
from corslint.rules import RULE_IDS

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


def run_lint(path: Path, settings: Settings | None = None) -> RunResult:
    if settings is None:
        found = find_config(path)
        settings = load(found, RULE_IDS) if found is not None else Settings()
    return lint([path], settings)


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary working directory, so reported paths are short and relative."""
    monkeypatch.chdir(tmp_path)
    return tmp_path
