"""File stats (stamps) for a cached run: the helper process answers exactly as `os.stat`
would, in the walk's order, and a helper that fails costs time, never a wrong answer."""

from __future__ import annotations

import itertools
import os
import stat
from array import array
from pathlib import Path

import pytest

import corslint.runner.file_stats as file_stats
from corslint.runner.cache import Cache, settings_fingerprint
from corslint.runner.discovery import Candidate
from corslint.runner.file_stats import CHUNK, GONE, UNREADABLE, FileStats
from corslint.runner.ignore_files import change_stamp
from corslint.runner.run import POOL_THRESHOLD, lint
from corslint.runner.settings import Settings

PAST = 1_600_000_000
needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="the helper is forked")


def tree(root: Path, files: int) -> list[Candidate]:
    """`files` files over a few folders, each of its own size, as a walk would list them."""
    candidates = []
    for index in range(files):
        path = root / f"pkg{index % 7}" / f"m{index}.py"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(b"x" * (index % 97))
        os.utime(path, (PAST, PAST))  # outside the racy window, however long the writes take
        candidates.append(Candidate(str(path), f"pkg{index % 7}/m{index}.py"))
    return candidates


def folders(candidates: list[Candidate]) -> list[list[Candidate]]:
    """The candidates as a walk yields them, a folder at a time (uneven groups here, one
    larger than a chunk)."""
    cuts = sorted({min(cut, len(candidates)) for cut in (0, 3, 40, 41, 40 + 2 * CHUNK, len(candidates))})
    return [candidates[start:end] for start, end in itertools.pairwise(cuts)]


def expected(candidates: list[Candidate]) -> tuple[array[int], array[int]]:
    sizes, mtimes = array("q"), array("q")
    for candidate in candidates:
        try:
            info = os.stat(candidate.file)
        except FileNotFoundError:
            sizes.append(GONE)
            mtimes.append(0)
            continue
        regular = stat.S_ISREG(info.st_mode)
        sizes.append(info.st_size if regular else GONE)
        mtimes.append(change_stamp(info) if regular else 0)
    return sizes, mtimes


@needs_fork
def test_the_helper_takes_chunks_and_the_answer_is_os_stat_in_walk_order(tmp_path: Path) -> None:
    candidates = tree(tmp_path, 6 * CHUNK + 17)
    stats = FileStats(helper=True)
    collected = stats.collect(folders(candidates))
    assert collected == candidates
    answer = stats.stamps(collected)
    assert stats._sent, "the helper was given nothing: the test would not test it"
    assert answer == expected(candidates)


def test_without_a_helper_the_answer_is_the_same(tmp_path: Path) -> None:
    candidates = tree(tmp_path, 2 * CHUNK + 3)
    stats = FileStats(helper=False)
    assert stats.stamps(stats.collect(folders(candidates))) == expected(candidates)
    assert not stats._sent


def test_candidates_not_collected_are_stamped_here(tmp_path: Path) -> None:
    candidates = tree(tmp_path, 5)
    assert FileStats(helper=False).stamps(candidates) == expected(candidates)


@needs_fork
def test_files_gone_or_not_regular_are_marked_gone(tmp_path: Path) -> None:
    candidates = tree(tmp_path, 3 * CHUNK)
    Path(candidates[5].file).unlink()
    os.unlink(candidates[CHUNK + 1].file)
    os.mkfifo(candidates[CHUNK + 1].file)
    Path(candidates[-1].file).unlink()
    Path(candidates[-1].file).mkdir()
    stats = FileStats(helper=True)
    sizes, mtimes = stats.stamps(stats.collect(folders(candidates)))
    assert [i for i, size in enumerate(sizes) if size == GONE] == [5, CHUNK + 1, len(candidates) - 1]
    assert (sizes, mtimes) == expected(candidates)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="permissions do not bind root")
def test_a_file_that_cannot_be_stat_ed_is_unreadable_not_gone(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "app.py").write_text("x = 1\n")
    locked.chmod(0o600)  # listable, but its entries cannot be reached
    try:
        sizes, _ = FileStats(helper=False).stamps([Candidate(str(locked / "app.py"), "locked/app.py")])
    finally:
        locked.chmod(0o700)
    assert list(sizes) == [UNREADABLE]


@needs_fork
@pytest.mark.parametrize("failure", ["exits at once", "answers short"])
def test_a_failing_helper_costs_time_not_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: str
) -> None:
    def broken(requests: int, replies: int) -> None:
        if failure == "exits at once":
            os._exit(3)
        while os.read(requests, 1 << 16):
            pass
        os.write(replies, b"\0" * 24)

    monkeypatch.setattr(file_stats, "_serve", broken)
    candidates = tree(tmp_path, 4 * CHUNK)
    stats = FileStats(helper=True)
    assert stats.stamps(stats.collect(folders(candidates))) == expected(candidates)


@needs_fork
def test_a_cached_run_of_a_large_tree_uses_the_helper_and_sees_every_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for index in range(POOL_THRESHOLD + CHUNK):
        path = tmp_path / f"svc{index % 13}" / f"mod{index}.py"
        path.parent.mkdir(exist_ok=True)
        path.write_text(f"VALUE = {index}\n")
        os.utime(path, (1_600_000_000, 1_600_000_000))
    app = tmp_path / "svc3" / "mod3.py"
    settings = Settings()
    first = lint([Path(".")], settings, cache_dir=tmp_path / ".corslint_cache", jobs=2)
    assert first.findings == []
    cache = Cache.open(tmp_path / ".corslint_cache", settings_fingerprint(settings))
    assert cache.files_walked_before() == POOL_THRESHOLD + CHUNK

    helpers: list[FileStats] = []
    original = FileStats.stamps

    def spy(self: FileStats, candidates: list[Candidate]) -> tuple[list[int], list[int]]:
        helpers.append(self)
        return original(self, candidates)

    monkeypatch.setattr(FileStats, "stamps", spy)
    app.write_text(
        "from fastapi.middleware.cors import CORSMiddleware\n"
        'app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)\n'
    )
    os.utime(app, (1_600_000_100, 1_600_000_100))  # same folder mtime rules: only the stamp moved
    second = lint([Path(".")], settings, cache_dir=tmp_path / ".corslint_cache", jobs=2)
    assert helpers and helpers[0]._sent, "the helper was not used"
    assert {f.rule_id for f in second.findings} >= {"CORS101"}
    assert second.stats.files_cached == POOL_THRESHOLD + CHUNK - 1
    # files named one by one (pre-commit) get no helper, whatever the last run walked
    named = lint([app.relative_to(tmp_path)], settings, cache_dir=tmp_path / ".corslint_cache", jobs=2)
    assert helpers[-1]._sent == [] and {f.rule_id for f in named.findings} >= {"CORS101"}


def test_a_stat_refused_for_other_reasons_is_unreadable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    candidates = tree(tmp_path, 3)
    real_stat = os.stat

    def refusing(path: str | bytes, *args: object, **kwargs: object) -> os.stat_result:
        if os.fsdecode(path) == candidates[1].file:
            raise PermissionError(13, "Permission denied")
        return real_stat(path)

    monkeypatch.setattr(os, "stat", refusing)
    sizes, _ = FileStats(helper=False).stamps(candidates)
    assert sizes[1] == UNREADABLE
    assert sizes[0] >= 0 and sizes[2] >= 0


def test_a_file_whose_stat_is_refused_is_reported_not_dropped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run must not turn green over a file it could not read (as root, permissions do
    not bind: the refusals are simulated)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text("from fastapi.middleware.cors import CORSMiddleware\n")
    (tmp_path / "other.py").write_text("x = 1\n")
    real_stat, real_open = os.stat, os.open

    def refusing_stat(path: str | bytes, *args: object, **kwargs: object) -> os.stat_result:
        if os.fsdecode(path).endswith("app.py"):
            raise PermissionError(13, "Permission denied")
        return real_stat(path, *args, **kwargs)  # type: ignore[arg-type]

    def refusing_open(path: str, flags: int, *args: object, **kwargs: object) -> int:
        if os.fsdecode(path).endswith("app.py"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "stat", refusing_stat)
    monkeypatch.setattr(os, "open", refusing_open)
    for cache_dir in (None, tmp_path / ".corslint_cache"):
        result = lint([Path(".")], Settings(), cache_dir=cache_dir, jobs=1)
        assert [(f.rule_id, f.location.path) for f in result.findings] == [("CORS001", "app.py")]
        assert "Permission denied" in result.findings[0].message


@needs_fork
def test_the_helper_stats_names_that_are_not_utf_8(tmp_path: Path) -> None:
    """Paths travel to the helper as bytes, encoded as the file system encodes them."""
    candidates = tree(tmp_path, CHUNK + 1)
    odd = os.path.join(os.fsencode(tmp_path), b"caf\xe9 \xff.py")  # Latin-1 bytes: not UTF-8
    try:
        with open(odd, "wb") as handle:
            handle.write(b"x = 1\n")
    except OSError:
        pytest.skip("this file system refuses names that are not UTF-8")
    name = os.fsdecode(odd)
    candidates.insert(1, Candidate(name, os.path.basename(name)))
    stats = FileStats(helper=True)
    sizes, mtimes = stats.stamps(stats.collect([candidates]))
    assert stats._sent[0] == (0, CHUNK) and sizes[1] == 6  # the helper stat-ed it
    assert (sizes, mtimes) == expected(candidates)


@needs_fork
def test_a_walk_that_fails_leaves_no_helper_behind(tmp_path: Path) -> None:
    candidates = tree(tmp_path, 3 * CHUNK)

    def failing_walk():  # type: ignore[no-untyped-def]
        yield candidates[: 2 * CHUNK]
        raise KeyboardInterrupt

    stats = FileStats(helper=True)
    helper = stats._pid
    assert helper is not None
    with pytest.raises(KeyboardInterrupt):
        try:
            stats.collect(failing_walk())
        finally:
            stats.close()
    with pytest.raises(ChildProcessError):  # already reaped: it exited
        os.waitpid(helper, os.WNOHANG)
