"""The worker that parses a small isolated tree's configurations, forked at the first file
to parse so that it imports the readers while the rest of the tree is screened
(runner/warm_start.py). Findings must be those of a run in one process; a tree with
nothing to parse, and a run that parses in its own process, fork nothing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import corslint.runner.prefilter as prefilter
import corslint.runner.run as run
from corslint.extractors import EXTRACTORS
from corslint.runner.discovery import Candidate
from corslint.runner.result import RunResult
from corslint.runner.run import lint
from corslint.runner.settings import Settings
from corslint.runner.workers import Supervisor

FLASK_APP = (
    "from flask import Flask\nfrom flask_cors import CORS\n\n"
    'app = Flask(__name__)\nCORS(app, origins="*", supports_credentials=True)\n'
)
EXPRESS_APP = "const cors = require('cors');\napp.use(cors({ origin: '*', credentials: true }));\n"
PLAIN = "def total(items):\n    return sum(items)\n"

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="workers are forked here")


def _tree(root: Path, folders: int, configured: bool = True) -> None:
    for folder in range(folders):
        package = root / f"pkg{folder:02}"
        package.mkdir()
        for index in range(50):
            (package / f"m{index:02}.py").write_text(PLAIN)
        if configured and folder % 4 == 0:
            (package / "app.py").write_text(FLASK_APP)
            (package / "server.js").write_text(EXPRESS_APP)


def _shown(result: RunResult) -> list[tuple[str, str, int]]:
    return [(f.rule_id, f.location.path, f.location.line) for f in result.findings]


def _module(name: str) -> str:
    return next(e.module for e in EXTRACTORS if e.name == name)


class _Started:
    """Records the early starts, what the worker was told to import and the discards, on
    two cores (a run's workers when it names no number, as the command line runs it)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(os, "cpu_count", lambda: 2)
        self.starts: list[bool] = []
        self.warmed: list[str] = []
        self.discarded = 0
        start, warm, discard = Supervisor.prestart, Supervisor.warm, Supervisor.discard

        def prestart(supervisor: Supervisor) -> bool:
            started = start(supervisor)
            self.starts.append(started)
            return started

        def warmed(supervisor: Supervisor, module: str) -> None:
            self.warmed.append(module)
            warm(supervisor, module)

        def discarded(supervisor: Supervisor) -> None:
            self.discarded += 1
            discard(supervisor)

        monkeypatch.setattr(Supervisor, "prestart", prestart)
        monkeypatch.setattr(Supervisor, "warm", warmed)
        monkeypatch.setattr(Supervisor, "discard", discarded)


def test_a_small_isolated_tree_forks_its_parser_at_the_first_file_to_parse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tree(tmp_path, 8)  # 400 modules: screened here, parsed in the worker
    expected = _shown(lint([tmp_path], Settings(), jobs=1))
    assert len(expected) > 2
    started = _Started(monkeypatch)
    made: list[int] = []
    original = Supervisor.__init__

    def counted(self: Supervisor, *args: object, **kwargs: object) -> None:
        made.append(1)
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Supervisor, "__init__", counted)
    result = lint([tmp_path], Settings(), isolate=True)
    assert started.starts == [True] and len(made) == 1 and started.discarded == 0
    # the readers of the first file to parse (pkg00/app.py), then the rules; each once
    assert started.warmed[0] == _module("flask_cors")
    assert started.warmed.index("corslint.rules") < started.warmed.index(_module("express"))
    assert len(started.warmed) == len(set(started.warmed))
    assert _shown(result) == expected


def test_a_small_tree_with_nothing_to_parse_forks_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tree(tmp_path, 8, configured=False)
    started = _Started(monkeypatch)
    result = lint([tmp_path], Settings(), isolate=True)
    assert started.starts == [] and result.findings == [] and result.stats.files_seen == 400


def test_a_run_that_parses_here_or_streams_forks_no_worker_early(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tree(tmp_path, 8)
    started = _Started(monkeypatch)
    assert lint([tmp_path], Settings()).findings  # parsed in this process
    assert started.starts == []
    (tmp_path / "more").mkdir()
    _tree(tmp_path / "more", 36)  # past POOL_THRESHOLD: the walk's workers, as before
    assert lint([tmp_path], Settings(), isolate=True).findings
    assert started.starts == []


def test_an_interrupted_screening_ends_the_worker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _tree(tmp_path, 8)
    started = _Started(monkeypatch)
    screened: list[int] = []
    original = prefilter.screen

    def interrupted(candidate: Candidate, max_bytes: int):  # type: ignore[no-untyped-def]
        if candidate.display.endswith("pkg04/m00.py"):  # after pkg00's files to parse
            raise KeyboardInterrupt
        screened.append(1)
        return original(candidate, max_bytes=max_bytes)

    monkeypatch.setattr(run, "screen", interrupted)
    with pytest.raises(KeyboardInterrupt):
        lint([tmp_path], Settings(), isolate=True)
    assert started.starts == [True] and started.discarded == 1


def test_a_module_that_fails_to_import_leaves_the_worker_working(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(FLASK_APP)
    supervisor = Supervisor(1, 10**6, 30.0)
    assert supervisor.prestart()
    assert not supervisor.prestart()  # once
    supervisor.warm("corslint.no_such_module")
    supervisor.warm(_module("flask_cors"))
    results = supervisor.run([(0, Candidate(str(tmp_path / "app.py"), "app.py"))], 8)
    assert results[0][1].policies
