"""The results cache: a warm run answers like a cold one, reads nothing unchanged, notices
every change that matters, and survives damage and concurrent runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from corslint.cache import Cache, decode, encode, settings_fingerprint
from corslint.config import Settings
from corslint.discovery import Candidate
from corslint.extractors import Extractor
from corslint.lint import FileOutcome, RunResult, lint, read_file
from corslint.workers import TrackingContext

ROOT = Path(__file__).resolve().parent.parent
PAST = 1_600_000_000  # an mtime well outside the racy window
APP = (
    "from fastapi.middleware.cors import CORSMiddleware\n"
    'app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["*"])\n'
)
IMPORTING_APP = (
    "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n"
    "from conf.origins import ORIGINS\n\napp = FastAPI()\n"
    'app.add_middleware(CORSMiddleware, allow_origins=ORIGINS, allow_methods=["GET"])\n'
)


def write(path: Path, text: str, mtime: int = PAST) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    os.utime(path, (mtime, mtime))


def summary(result: RunResult) -> list[tuple[str, str, int, str]]:
    return [(f.rule_id, f.location.path, f.location.line, f.message) for f in result.findings]


@pytest.fixture
def no_parsing(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records every file an extractor is asked to read."""
    parsed: list[str] = []
    original = Extractor.load

    def load(self: Extractor):  # type: ignore[no-untyped-def]
        extract = original(self)

        def wrapper(path: str, text: str, context: object):  # type: ignore[no-untyped-def]
            parsed.append(path)
            return extract(path, text, context)  # type: ignore[arg-type]

        return wrapper

    monkeypatch.setattr(Extractor, "load", load)
    return parsed


def test_warm_run_equals_cold_run_and_parses_nothing(in_tmp: Path, no_parsing: list[str]) -> None:
    write(in_tmp / "app.py", APP)
    write(in_tmp / "plain.py", "print('hi')\n")
    write(in_tmp / "bad.py", "from starlette.middleware.cors import CORSMiddleware\nif True\n")
    cache = in_tmp / ".corslint_cache"
    cold = lint([Path(".")], Settings(), cache_dir=cache)
    assert sorted(no_parsing) == ["app.py", "bad.py"]
    no_parsing.clear()
    warm = lint([Path(".")], Settings(), cache_dir=cache)
    assert no_parsing == []
    assert summary(warm) == summary(cold) and warm.policies == cold.policies
    assert warm.stats.files_cached == warm.stats.files_seen == 3


def test_changed_file_is_read_again(in_tmp: Path, no_parsing: list[str]) -> None:
    write(in_tmp / "app.py", APP)
    cache = in_tmp / ".corslint_cache"
    lint([Path(".")], Settings(), cache_dir=cache)
    write(in_tmp / "app.py", APP.replace('["*"], allow_methods', '["null"], allow_methods'), PAST + 10)
    no_parsing.clear()
    result = lint([Path(".")], Settings(), cache_dir=cache)
    assert no_parsing == ["app.py"]
    assert "CORS102" in {f.rule_id for f in result.findings}


def test_a_change_in_an_imported_module_is_noticed(in_tmp: Path) -> None:
    write(in_tmp / "conf" / "__init__.py", "")
    write(in_tmp / "conf" / "origins.py", 'ORIGINS = ["https://app.example.com"]\n')
    write(in_tmp / "service" / "main.py", IMPORTING_APP)
    cache = in_tmp / ".corslint_cache"
    targets = [Path("service")]  # the imported module is outside the linted folder
    before = lint(targets, Settings(), cache_dir=cache)
    assert "CORS105" not in {f.rule_id for f in before.findings}
    write(in_tmp / "conf" / "origins.py", 'ORIGINS = ["*"]\n', PAST + 10)
    after = lint(targets, Settings(), cache_dir=cache)
    assert "CORS105" in {f.rule_id for f in after.findings}


def test_a_new_sibling_file_invalidates_its_folder(in_tmp: Path, no_parsing: list[str]) -> None:
    write(in_tmp / "pkg" / "app.py", APP)
    write(in_tmp / "other" / "app.py", APP)
    cache = in_tmp / ".corslint_cache"
    lint([Path(".")], Settings(), cache_dir=cache)
    write(in_tmp / "pkg" / "local.py", "X = 1\n")
    no_parsing.clear()
    lint([Path(".")], Settings(), cache_dir=cache)
    assert no_parsing == ["pkg/app.py"]


def test_recently_written_files_are_not_trusted(in_tmp: Path, no_parsing: list[str]) -> None:
    (in_tmp / "app.py").write_text(APP)  # mtime: now, inside the racy window
    cache = in_tmp / ".corslint_cache"
    lint([Path(".")], Settings(), cache_dir=cache)
    no_parsing.clear()
    lint([Path(".")], Settings(), cache_dir=cache)
    assert no_parsing == ["app.py"]


def test_settings_are_part_of_the_key(in_tmp: Path) -> None:
    write(in_tmp / "app.py", APP)
    cache = in_tmp / ".corslint_cache"
    lint([Path(".")], Settings(), cache_dir=cache)
    ignoring = lint([Path(".")], Settings(ignore=("CORS105",)), cache_dir=cache)
    assert "CORS105" not in {f.rule_id for f in ignoring.findings}
    assert settings_fingerprint(Settings()) != settings_fingerprint(Settings(max_file_size=10))


def test_removed_files_leave_the_cache(in_tmp: Path) -> None:
    write(in_tmp / "app.py", APP)
    write(in_tmp / "gone.py", APP)
    cache = in_tmp / ".corslint_cache"
    lint([Path(".")], Settings(), cache_dir=cache)
    (in_tmp / "gone.py").unlink()
    result = lint([Path(".")], Settings(), cache_dir=cache)
    assert {f.location.path for f in result.findings} == {"app.py"}
    shards = [json.loads(p.read_text()) for p in cache.glob("*/[0-9a-f][0-9a-f].json")]
    assert not any("gone.py" in shard for shard in shards)


def test_damaged_or_hostile_cache_files_are_ignored(in_tmp: Path) -> None:
    write(in_tmp / "app.py", APP)
    cache = in_tmp / ".corslint_cache"
    cold = lint([Path(".")], Settings(), cache_dir=cache)
    shards = list(cache.glob("*/*.json"))
    assert shards
    size, mtime = _stamp(in_tmp / "app.py")
    hostile = {"app.py": [size, mtime, {"c": "os.system", "a": ["touch PWNED"]}, []]}
    for number, shard in enumerate(shards):
        if number % 2:
            shard.write_text("{not json")
        else:  # a class the cache does not know must not be looked up, let alone run
            shard.write_text(json.dumps(hostile))
    warm = lint([Path(".")], Settings(), cache_dir=cache)
    assert summary(warm) == summary(cold)
    assert not (in_tmp / "PWNED").exists()


def test_outcomes_round_trip_through_json() -> None:
    """Every fixture's extraction survives encode -> JSON -> decode unchanged."""
    from corslint.cache import _classes
    from corslint.discovery import walk
    from corslint.lint import SOURCE_NAMES, SOURCE_SUFFIXES

    context = TrackingContext()
    checked = 0
    for candidate in walk([ROOT / "tests" / "fixtures"], (), SOURCE_SUFFIXES + SOURCE_NAMES):
        outcome = read_file(candidate, context)
        if not outcome.parsed:
            continue
        stored = FileOutcome(outcome.policies, outcome.diagnostics, None, outcome.parsed, outcome.skipped)
        assert decode(json.loads(json.dumps(encode(stored))), _classes()) == stored
        checked += 1
    assert checked > 20


def test_concurrent_runs_share_the_cache_safely(in_tmp: Path) -> None:
    for index in range(40):
        write(in_tmp / f"pkg{index % 7}" / f"module{index}.py", APP if index % 5 == 0 else "x = 1\n")
    code = (
        "from pathlib import Path\nfrom corslint.config import Settings\nfrom corslint.lint import lint\n"
        "r = lint([Path('.')], Settings(), cache_dir=Path('.corslint_cache'))\n"
        "print(len(r.findings))\n"
    )
    runs = [
        subprocess.Popen([sys.executable, "-c", code], cwd=in_tmp, stdout=subprocess.PIPE, text=True)
        for _ in range(6)
    ]
    outputs = {run.communicate(timeout=120)[0].strip() for run in runs}
    assert all(run.returncode == 0 for run in runs)
    assert len(outputs) == 1
    final = lint([Path(".")], Settings(), cache_dir=in_tmp / ".corslint_cache")
    assert str(len(final.findings)) in outputs and final.stats.files_cached == final.stats.files_seen


def test_cache_lookup_keeps_indices(in_tmp: Path) -> None:
    write(in_tmp / "a.py", APP)
    write(in_tmp / "b.py", "x = 1\n")
    cache = Cache.open(in_tmp / ".corslint_cache", "s")
    candidates = [
        Candidate("a.py", "a.py", *_stamp(in_tmp / "a.py")),
        Candidate("b.py", "b.py", *_stamp(in_tmp / "b.py")),
    ]
    assert cache.lookup(candidates) == {}
    cache.store(candidates[1], FileOutcome())
    assert set(cache.lookup(candidates)) == {1}


def _stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


def test_command_line_cache_and_no_cache(in_tmp: Path) -> None:
    write(in_tmp / "app.py", APP)

    def run(*options: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "corslint", ".", *options], capture_output=True, text=True, cwd=in_tmp
        )

    first = run("--no-cache")
    assert not (in_tmp / ".corslint_cache").exists()
    second, third = run(), run()
    assert first.stdout == second.stdout == third.stdout and first.returncode == third.returncode == 1
    assert (in_tmp / ".corslint_cache" / "CACHEDIR.TAG").is_file()
    assert (in_tmp / ".corslint_cache" / ".gitignore").read_text().strip().endswith("*")
