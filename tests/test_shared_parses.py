"""Modules parsed once per run and shared between files (ObservedMemo): an outcome built on
a shared module depends on that module exactly as if it had read the module itself."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import corslint.extractors.python.source as python_source
from corslint.engine import EMPTY_OUTCOME
from corslint.runner.discovery import Candidate
from corslint.runner.observed_files import STAT, ObservedMemo, observing
from corslint.runner.prefilter import screen
from corslint.runner.run import lint
from corslint.runner.settings import Settings
from corslint.runner.workers import extract_one

PAST = 1_600_000_000
ORIGINS = 'ORIGINS = ["https://app.example.com"]\n'


def _app(name: str) -> str:
    return (
        "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n"
        "from conf.origins import ORIGINS\n\n"
        f"{name} = FastAPI()\n"
        f'{name}.add_middleware(CORSMiddleware, allow_origins=ORIGINS, allow_methods=["GET"])\n'
    )


def write(path: Path, text: str, mtime: int = PAST) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    os.utime(path, (mtime, mtime))


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The path of every Python module parsed."""
    seen: list[str] = []
    original = python_source.ModuleSource.__init__

    def counting(self: python_source.ModuleSource, path: str, text: str) -> None:
        seen.append(path)
        original(self, path, text)

    monkeypatch.setattr(python_source.ModuleSource, "__init__", counting)
    return seen


@pytest.fixture
def project(in_tmp: Path) -> Path:
    (in_tmp / ".git").mkdir()
    write(in_tmp / "conf" / "__init__.py", "")
    write(in_tmp / "conf" / "origins.py", ORIGINS)
    write(in_tmp / "a.py", _app("first"))
    write(in_tmp / "b.py", _app("second"))
    return in_tmp


def _extract(path: str) -> tuple[object, tuple[tuple[str, str, str], ...]]:
    candidate = Candidate(path, path, os.path.getsize(path), 0)
    screened = screen(candidate)
    assert screened is not EMPTY_OUTCOME and isinstance(screened, tuple)
    return extract_one(candidate, screened)


def test_a_module_parsed_for_one_file_is_observed_by_the_next(project: Path, parses: list[str]) -> None:
    _extract("a.py")
    parsed_once = parses.count("conf/origins.py")
    outcome, observed = _extract("b.py")
    assert parses.count("conf/origins.py") == parsed_once == 1  # b.py took a's parse
    module = os.path.abspath("conf/origins.py")
    assert [token for kind, path, token in observed if (kind, path) == (STAT, module)]
    assert outcome.policies  # type: ignore[attr-defined]


def test_a_change_to_a_shared_module_reaches_the_file_that_took_it_cached(
    project: Path, parses: list[str]
) -> None:
    cache = project / ".corslint_cache"
    before = lint([Path(".")], Settings(), cache_dir=cache, jobs=1)
    assert parses.count("conf/origins.py") == 1  # parsed for a.py, taken by b.py
    assert not any(f.rule_id == "CORS105" for f in before.findings)
    write(project / "conf" / "origins.py", 'ORIGINS = ["*"]\n', PAST + 10)
    after = lint([Path(".")], Settings(), cache_dir=cache, jobs=1)
    flagged = {f.location.path for f in after.findings if f.rule_id == "CORS105"}
    assert flagged == {"a.py", "b.py"}  # b.py's cached outcome was not kept
    assert after.stats.files_parsed == 2  # both read again, not answered from the cache


def test_a_changed_module_is_parsed_again_within_a_process(project: Path, parses: list[str]) -> None:
    """The memo outlives a run in the same process: a hit is checked against the file."""
    lint([Path("b.py")], Settings(), jobs=1)
    write(project / "conf" / "origins.py", 'ORIGINS = ["*"]\n', PAST + 10)
    result = lint([Path("b.py")], Settings(), jobs=1)
    assert parses.count("conf/origins.py") == 2
    assert any(f.rule_id == "CORS105" for f in result.findings)


def test_the_memo_keeps_only_what_it_can_check_and_within_its_budget(tmp_path: Path) -> None:
    memo = ObservedMemo(budget=10)
    settled = tmp_path / "settled.txt"
    write(settled, "x")
    recent = tmp_path / "recent.txt"
    recent.write_text("x")  # modified now: too recent to be trusted
    works: list[str] = []

    def read(path: Path) -> str:
        works.append(path.name)
        return path.read_text()

    with observing():
        for _ in range(2):
            memo.remembered("settled", lambda: read(settled), len)
            memo.remembered("recent", lambda: read(recent), len)
            memo.remembered("large", lambda: "y" * 11, len)
    assert works == ["settled.txt", "recent.txt", "recent.txt"]
    assert len(memo) == 1
    # outside any observed extraction nothing is kept: its hits could not be observed
    ObservedMemo().remembered("unobserved", lambda: read(settled), len)
    assert works[-1] == "settled.txt"


def test_a_hit_notes_what_working_the_value_out_observed(tmp_path: Path) -> None:
    """Without the stats a module lookup makes on its own: the hit alone carries them."""
    memo = ObservedMemo()
    module = tmp_path / "module.py"
    write(module, "X = 1\n")
    with observing() as first:
        memo.remembered("module", module.read_text, len)
    worked_out_again: list[str] = []

    def again() -> str:
        worked_out_again.append("module")
        return ""

    with observing() as second:
        assert memo.remembered("module", again, len) == "X = 1\n"
    assert worked_out_again == []
    assert second.observations() == first.observations()
    assert [(kind, path) for kind, path, _ in second.observations()] == [(STAT, str(module))]
