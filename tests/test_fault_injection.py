"""The results cache under faults: a run killed at any of its writes (SIGKILL, SIGINT),
two runs interleaved on one tree, an edit that keeps the size and puts the mtime back,
modules, settings files and ignore files added, removed or renamed between runs. After
each, the next cached run reports exactly what `--no-cache` reports (issue 20, items 1
and 2).

Files are given mtimes well in the past, so that the cache trusts them (a file modified
in the last two seconds is never cached, and a test that only met such files would
prove nothing); each scenario checks that the run before the change was answered from
the cache."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_cli

PAST = 1_600_000_000
LATER = PAST + 500
APP = (
    "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n"
    "from conf.origins import ORIGINS\n\napp = FastAPI()\n"
    "app.add_middleware(CORSMiddleware, allow_origins=ORIGINS, allow_credentials=True)\n"
)
SAFE = 'ORIGINS = ["https://app.example.com"]\n'
WILD = 'ORIGINS = ["*"]\n'
JS_APP = "const cors = require('cors');\nconst origin = require('./config/origin');\napp.use(cors({ origin, credentials: true }));\n"
# a child that runs corslint with a fault at its n-th os.replace (the cache writes each of
# its files to a temporary name, then replaces the old file with it: these are its writes)
DRIVER = r"""
import os, signal, sys, time
# a run started in the background by a shell without job control inherits SIGINT ignored
# (as a CI script run with `&` does): ^C must reach this run for the test to mean anything
signal.signal(signal.SIGINT, signal.default_int_handler)
fault = os.environ.get("CORSLINT_FAULT", "")
calls = [0]
if fault:
    action, when, number, gate = (fault.split(":", 3) + ["", "", "", ""])[:4]
    real_replace = os.replace

    def hit():
        if action == "pause":
            open(gate + ".paused", "w").close()
            while not os.path.exists(gate):
                time.sleep(0.01)
        elif action in ("KILL", "INT"):
            os.kill(os.getpid(), getattr(signal, "SIG" + action))
            time.sleep(30)  # SIGINT raises KeyboardInterrupt here; SIGKILL never returns

    def replace(source, target, **options):
        calls[0] += 1
        if when == "before" and calls[0] == int(number):
            hit()
        real_replace(source, target, **options)
        if when == "after" and calls[0] == int(number):
            hit()

    os.replace = replace
    import atexit
    atexit.register(lambda: sys.stderr.write(f"\nwrites={calls[0]}\n"))
from corslint.cli import main
sys.exit(main(sys.argv[1:]))
"""


def write(path: Path, text: str, mtime: int = PAST) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    os.utime(path, (mtime, mtime))


def settle(root: Path) -> None:
    """Every folder last changed long ago, as a while after a checkout."""
    for directory, _, _ in os.walk(root):
        if ".corslint_cache" not in directory:
            os.utime(directory, (PAST, PAST))


def project(root: Path) -> None:
    (root / ".git").mkdir(parents=True)
    write(root / "api" / "main.py", APP)
    write(root / "conf" / "__init__.py", "")
    write(root / "conf" / "origins.py", SAFE)
    write(root / "web" / "server.js", JS_APP)
    write(root / "web" / "config" / "origin.js", "module.exports = 'https://app.example.com';\n")
    write(
        root / "admin" / "server.js",
        "const cors = require('cors');\napp.use(cors(require('./cors.json')));\n",
    )
    write(root / "README.md", "an app\n")
    settle(root)


def report(run: tuple[int, str, str]) -> tuple[int, Any, Any]:
    """What a run says: its exit code, findings and skipped files (not how many files it
    parsed, which a run the cache answers does not)."""
    document = json.loads(run[1])
    findings = [{key: f[key] for key in _SAID if key in f} for f in document["findings"]]
    return run[0], findings, document["summary"]["skipped"]


_SAID = ("rule_id", "level", "message", "path", "line", "column", "end_line", "end_column", "related")


def cached(root: Path) -> tuple[int, str, str]:
    return _in(root, ".", "--format", "json")


def truth(root: Path) -> tuple[int, Any, Any]:
    return report(_in(root, ".", "--format", "json", "--no-cache"))


def _in(root: Path, *arguments: str) -> tuple[int, str, str]:
    here = os.getcwd()
    os.chdir(root)
    try:
        return run_cli(*arguments)
    finally:
        os.chdir(here)


def parsed(run: tuple[int, str, str]) -> int:
    files: int = json.loads(run[1])["summary"]["files_parsed"]
    return files


def warmed(root: Path) -> tuple[int, Any, Any]:
    """Cached runs until one is answered by the cache alone (the second, unless corslint's
    own files, which key the cache, were edited meanwhile, as in a shared checkout)."""
    cached(root)
    for _ in range(3):
        again = cached(root)
        if parsed(again) == 0:
            return report(again)
    raise AssertionError("the cache did not answer: the scenario would prove nothing")


@pytest.fixture(autouse=True)
def _cache_in_the_tree(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CORSLINT_CACHE_DIR", raising=False)


# -- changes between runs ---------------------------------------------------------------
def add_the_missing_module(root: Path) -> None:
    """The issue's case: `from config.cors import ORIGINS` was cached while config/cors.py
    did not exist (a CORS305 note); then it arrives with `git pull`."""
    write(root / "config" / "__init__.py", "")
    write(root / "config" / "cors.py", WILD)


def edit_keeping_size_and_mtime(root: Path) -> None:
    """`touch -r`: the same size, the old mtime put back."""
    path = root / "conf" / "origins.py"
    before = path.stat()
    path.write_text(WILD.ljust(len(SAFE) - 1) + "\n")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def remove_the_imported_module(root: Path) -> None:
    (root / "conf" / "origins.py").unlink()


def rename_the_imported_module(root: Path) -> None:
    (root / "conf" / "origins.py").rename(root / "conf" / "allowed.py")


def rename_the_imported_package(root: Path) -> None:
    (root / "conf").rename(root / "settings")


def replace_the_module_by_a_package(root: Path) -> None:
    (root / "conf" / "origins.py").unlink()
    write(root / "conf" / "origins" / "__init__.py", WILD)


def add_a_required_js_module(root: Path) -> None:
    (root / "web" / "config" / "origin.js").unlink()
    write(root / "web" / "config" / "origin" / "index.js", "module.exports = true;\n")


def add_a_required_config_file(root: Path) -> None:
    """`require('./cors.json')` found nothing (a CORS305 note), then the file arrives."""
    write(root / "admin" / "cors.json", '{"origin": true, "credentials": true}\n')


def add_a_settings_file(root: Path) -> None:
    write(root / "pyproject.toml", '[tool.corslint]\nignore = ["CORS2"]\n')


def add_an_ignore_file(root: Path) -> None:
    write(root / "api" / ".gitignore", "main.py\n")


def add_a_git_exclude(root: Path) -> None:
    write(root / ".git" / "info" / "exclude", "api/\n")


CHANGES: list[Callable[[Path], None]] = [
    add_the_missing_module,
    edit_keeping_size_and_mtime,
    remove_the_imported_module,
    rename_the_imported_module,
    rename_the_imported_package,
    replace_the_module_by_a_package,
    add_a_required_js_module,
    add_a_required_config_file,
    add_a_settings_file,
    add_an_ignore_file,
    add_a_git_exclude,
]


@pytest.mark.parametrize("change", CHANGES, ids=lambda change: change.__name__)
def test_a_change_between_runs_reaches_the_next_run(in_tmp: Path, change: Callable[[Path], None]) -> None:
    project(in_tmp)
    if change is add_the_missing_module:  # an import that finds nothing yet
        write(in_tmp / "api" / "main.py", APP.replace("conf.origins", "config.cors"))
        settle(in_tmp)
    before = warmed(in_tmp)
    change(in_tmp)
    expected = truth(in_tmp)
    assert expected != before, "the change must change the report"
    assert report(cached(in_tmp)) == expected
    assert report(cached(in_tmp)) == expected  # and the run after it, from its findings


@pytest.mark.parametrize("change", CHANGES[1:], ids=lambda change: change.__name__)
def test_a_change_undone_reaches_the_next_run(in_tmp: Path, change: Callable[[Path], None]) -> None:
    """The other way: from the changed tree back to the first one."""
    project(in_tmp)
    pristine = in_tmp.parent / f"{in_tmp.name}-pristine"
    shutil.copytree(in_tmp, pristine, symlinks=True)
    change(in_tmp)
    settle(in_tmp)
    warmed(in_tmp)
    for entry in [*in_tmp.iterdir()]:
        if entry.name != ".corslint_cache":
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    for entry in pristine.iterdir():
        target = in_tmp / entry.name
        shutil.copytree(entry, target, symlinks=True) if entry.is_dir() else shutil.copy2(entry, target)
    settle(in_tmp)
    assert report(cached(in_tmp)) == truth(in_tmp)


# -- a run killed at each of its writes -------------------------------------------------
def _child(root: Path, fault: str = "", *arguments: str) -> subprocess.Popen[str]:
    environment = {**os.environ, "CORSLINT_FAULT": fault}
    environment.pop("CORSLINT_CACHE_DIR", None)
    return subprocess.Popen(
        [sys.executable, "-c", DRIVER, ".", "--format", "json", *arguments],
        cwd=root,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _writes(root: Path) -> int:
    """How many files a run writes to the cache."""
    _, errors = _child(root, "count").communicate(timeout=120)
    return int(errors.rsplit("writes=", 1)[1].split()[0])


def _break_things(root: Path) -> None:
    """A change that makes the cache rewrite several folders and its findings."""
    write(root / "conf" / "origins.py", WILD, LATER)
    write(root / "web" / "config" / "origin.js", "module.exports = true;\n", LATER)
    write(root / "api" / "admin.py", APP.replace("ORIGINS, allow", '["null"], allow'), LATER)
    os.utime(root / "api", (LATER, LATER))


def _edit_things(root: Path) -> None:
    """Edits only: the tree keeps the names it had."""
    write(root / "conf" / "origins.py", WILD, LATER)
    write(root / "web" / "config" / "origin.js", "module.exports = true;\n", LATER)


def _prepared(root: Path, change: Callable[[Path], None]) -> tuple[int, Any, Any]:
    """A tree at `root`, answered by the cache, then changed; what the cache said of it.
    Always at the same path: the cache is keyed by the working folder, and a copied tree
    has new ctimes, so a copy would be a cold run."""
    if root.exists():
        shutil.rmtree(root)
    project(root)
    before = warmed(root)
    change(root)
    return before


def _stopped(run: subprocess.Popen[str]) -> bool:
    """Whether a run ended by its signal, not by finishing: killed, or interrupted (click
    then says "Aborted!" and exits 1). When it did not, the run's end is printed, for the
    failure's report."""
    _, errors = run.communicate(timeout=120)
    stopped = run.returncode < 0 or "Aborted!" in errors
    if not stopped:
        print(f"exit {run.returncode}; stderr ends:\n{errors[-3000:]}")
    return stopped


@pytest.mark.parametrize("when", ["before", "after"])
@pytest.mark.parametrize("sig", ["KILL", "INT"])
def test_a_run_killed_at_any_write_leaves_a_cache_that_tells_the_truth(
    tmp_path: Path, sig: str, when: str
) -> None:
    root = tmp_path / "tree"
    _prepared(root, _break_things)
    writes = _writes(root)
    assert writes >= 3  # shards of several folders, then the findings
    for point in range(1, writes + 1):
        _prepared(root, _break_things)
        assert _stopped(_child(root, f"{sig}:{when}:{point}")), f"the run was not stopped at write {point}"
        expected = truth(root)
        assert report(cached(root)) == expected, f"after a {sig} {when} write {point}"
        assert report(cached(root)) == expected
        # and a later edit is still seen, from whatever the killed run left
        write(root / "conf" / "origins.py", SAFE, LATER + 100)
        assert report(cached(root)) == truth(root)


def test_the_issue_case_findings_written_before_a_kill_are_never_reused(tmp_path: Path) -> None:
    """Records saved with the new stamps, the run stopped before its findings: the old
    findings must not be reused for the new contents (the tree keeps its names, so only
    the stamps tell the findings apart)."""
    root = tmp_path / "tree"
    _prepared(root, _edit_things)
    writes = _writes(root)
    clean = _prepared(root, _edit_things)
    killed = _child(root, f"KILL:before:{writes}")  # every record written, not the findings
    assert _stopped(killed) and killed.returncode == -signal.SIGKILL
    after = report(cached(root))
    assert after == truth(root) and after != clean


# -- two runs at once -------------------------------------------------------------------
@pytest.mark.parametrize("pause_at", [1, "last"])
def test_two_runs_interleaved_on_one_tree(tmp_path: Path, pause_at: object) -> None:
    """Run X reads the tree, then waits at one of its writes while the tree changes and
    run Y reads and writes it whole; X then finishes, writing what it found of the old
    tree. The next run reports what --no-cache reports."""
    root = tmp_path / "tree"
    _prepared(root, _break_things)
    writes = _writes(root)
    _prepared(root, _break_things)
    point = writes if pause_at == "last" else 1
    gate = tmp_path / "go"
    x = _child(root, f"pause:before:{point}:{gate}")
    deadline = time.monotonic() + 120
    while not Path(f"{gate}.paused").exists():
        assert x.poll() is None and time.monotonic() < deadline, "X never reached its write"
        time.sleep(0.02)
    write(root / "conf" / "origins.py", SAFE, LATER + 100)  # the tree X read is gone
    y = _child(root)
    y.communicate(timeout=120)
    assert y.returncode is not None
    gate.touch()
    x.communicate(timeout=120)
    expected = truth(root)
    assert report(cached(root)) == expected
    assert report(cached(root)) == expected


def test_two_runs_at_once_then_the_truth(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    _prepared(root, _break_things)
    runs = [_child(root), _child(root)]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    expected = truth(root)
    assert [report((run.returncode, out, "")) for run, out in zip(runs, outputs, strict=True)] == [
        expected,
        expected,
    ]
    assert report(cached(root)) == expected
