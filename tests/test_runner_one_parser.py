"""One parsing worker: on a walk's files (most screened, few parsed) the workers that only
screen hand what passes to the one that parses, so that the parsers and rules are
imported once. Findings must be those of a run in one process, a crash in a handed-on
file must still cost that file alone, and a backlog must bring the other workers in."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import corslint.runner.workers as workers
from corslint.extractors import Extractor
from corslint.runner.discovery import Candidate
from corslint.runner.run import lint
from corslint.runner.settings import Settings
from corslint.runner.workers import Supervisor, read_one

FLASK_APP = (
    "from flask import Flask\nfrom flask_cors import CORS\n\n"
    'app = Flask(__name__)\nCORS(app, origins="*", supports_credentials={credentials})\n'
)
PLAIN = "def total(items):\n    return sum(items)\n"

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="workers are forked here")


def _project(root: Path, configured: range, count: int = 48) -> list[Candidate]:
    """`count` modules, those in `configured` with a Flask-CORS configuration each."""
    candidates = []
    for index in range(count):
        path = root / f"m{index:03}.py"
        text = FLASK_APP.format(credentials=index % 2 == 0) if index in configured else PLAIN
        path.write_text(text)
        candidates.append(Candidate(str(path), path.name))
    return candidates


def _parsing_pids(log: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each process that loads an extractor appends its pid to `log` (workers are forked
    after the patch, so they inherit it)."""
    original = Extractor.load

    def load(self: Extractor):  # type: ignore[no-untyped-def]
        with log.open("a") as handle:
            handle.write(f"{os.getpid()}\n")
        return original(self)

    monkeypatch.setattr(Extractor, "load", load)


def test_screening_workers_hand_parsing_to_one_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    candidates = _project(tmp_path, range(0, 48, 3))
    jobs = list(enumerate(candidates))
    expected = {index: read_one(candidate, 10**6)[0] for index, candidate in jobs}
    log = tmp_path / "parsed-by.log"
    _parsing_pids(log, monkeypatch)
    monkeypatch.setattr(workers, "SHARED_PARSING_BACKLOG", 10**6)  # no backlog brings in another
    results = Supervisor(2, 10**6, 30.0, one_parser=True).run(jobs, 8)
    parsed = {index for index, outcome in expected.items() if outcome.parsed}
    assert set(results) == parsed
    for index, outcome, _ in results.values():
        assert (outcome.policies, outcome.findings) == (expected[index].policies, expected[index].findings)
    assert len(set(log.read_text().split())) == 1  # one process parsed every file


def test_a_backlog_brings_the_screening_workers_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    candidates = _project(tmp_path, range(48))  # every file is parsed
    log = tmp_path / "parsed-by.log"
    _parsing_pids(log, monkeypatch)
    monkeypatch.setattr(workers, "SHARED_PARSING_BACKLOG", 1)
    monkeypatch.setattr(workers, "PARSE_SAMPLES", 0)  # however quick the parses done so far
    monkeypatch.setattr(workers, "SHARED_PARSING_SECONDS", 0.0)
    results = Supervisor(2, 10**6, 30.0, one_parser=True).run(list(enumerate(candidates)), 8)
    assert set(results) == set(range(48))
    assert all(outcome.policies for _, outcome, _ in results.values())
    # the screening worker defers its batches in a few ms while the parsing one imports
    assert len(set(log.read_text().split())) == 2


def test_a_backlog_is_shared_only_when_its_parses_outlast_another_import() -> None:
    """Once the walk is over, a second worker imports the parsers (0.1 s of CPU) only for a
    backlog that would keep the first busy longer than that: not for 30 quick files."""
    supervisor = Supervisor(2, 10**6, 30.0, one_parser=True)
    assert not supervisor._worth_sharing(30)  # nothing measured yet
    supervisor._parse_seconds = [0.09, 0.002, 0.001, 0.002, 0.04, 0.001, 0.002, 0.003]
    assert not supervisor._worth_sharing(30)  # 30 files of 2 ms: 0.06 s
    assert supervisor._worth_sharing(int(workers.SHARED_PARSING_SECONDS / 0.002) + 1)
    supervisor._parse_seconds = [0.03] * workers.PARSE_SAMPLES  # slow parses (a real tree's)
    assert supervisor._worth_sharing(workers.SHARED_PARSING_BACKLOG)
    assert not supervisor._worth_sharing(workers.SHARED_PARSING_BACKLOG - 1)


def test_a_crash_in_a_handed_on_file_costs_that_file_alone(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The poisoned module is in the second batch, which the screening worker takes: it
    reaches the parsing worker as a handed-on job, crashes it, and is blamed alone."""
    _project(in_tmp, range(0, 48, 3))
    (in_tmp / "m020.py").write_text(FLASK_APP.format(credentials=True).replace("Flask(", "Flask( "))
    original = Extractor.load

    def load(self: Extractor):  # type: ignore[no-untyped-def]
        extract = original(self)

        def crashing(path: str, text: str, context: object):  # type: ignore[no-untyped-def]
            if path.endswith("m020.py"):
                os._exit(70)
            return extract(path, text, context)  # type: ignore[arg-type]

        return crashing

    expected = lint([in_tmp], Settings(), jobs=1)
    monkeypatch.setattr(Extractor, "load", load)
    result = lint([in_tmp], Settings(), jobs=2, isolate=True)
    blamed = {f.location.path for f in result.findings if f.rule_id == "CORS001"}
    assert blamed == {"m020.py"}
    kept = [f for f in expected.findings if f.location.path != "m020.py"]
    assert kept
    assert [f for f in result.findings if f.location.path != "m020.py"] == kept


def test_every_batch_reaches_the_stamps_in_walk_order(tmp_path: Path) -> None:
    """Handed-on files come back in the order their batches were answered; the parsing
    worker still gets (and reports the stamps of) each batch in walk order, which is
    what the streamed run's stamp bookkeeping relies on."""
    candidates = _project(tmp_path, range(0, 60, 2), count=60)
    seen: list[list[int]] = []
    supervisor = Supervisor(3, 10**6, 30.0, one_parser=True)
    supervisor.on_stamps = lambda batch, sizes, mtimes: seen.append([index for index, _ in batch])
    results = supervisor.run(list(enumerate(candidates)), 4)
    assert set(results) == set(range(0, 60, 2))
    assert all(batch == sorted(batch) for batch in seen)
