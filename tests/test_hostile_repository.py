"""A hostile repository cannot make corslint lie, hang, or write outside its cache.

corslint reads untrusted repositories in CI (docs/SECURITY.md). Each case here is a
repository built to mislead it: a committed `.corslint_cache` that vouches for clean
files, cache folders that are links to elsewhere, links out of the tree and to special
files, names with control characters, regexes built to backtrack, huge values. Each
ends with the truth reported (what a run without the cache reports, a failing exit
code where the tree is dirty) and nothing written outside the cache folder: every run
here is checked against a snapshot of everything around the tree and of the home and
temporary folders it is given."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import time
from array import array
from pathlib import Path
from typing import Any

import pytest

PAST = 1_600_000_000
DIRTY = (
    "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n\n"
    "app = FastAPI()\n"
    'app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True, allow_methods=["*"])\n'
)
CLEAN = DIRTY.replace('allow_origins=["*"]', "allow_origins=[   ]")  # the same size
BACKTRACKING = (
    "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n\n"
    "app = FastAPI()\napp.add_middleware(\n    CORSMiddleware,\n"
    '    allow_origins=["https://' + "a" * 60 + '.example.com"],\n'
    '    allow_origin_regex=r"https://(a|aa)+\\.com",\n    allow_methods=["*"],\n)\n'
    "admin = FastAPI()\n"
    'admin.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True, allow_methods=["*"])\n'
)
JS_BACKTRACKING = (
    "const cors = require('cors');\n"
    "app.use(cors({ origin: [/^https:\\/\\/(a|aa)+\\.com$/, 'https://" + "a" * 60 + ".example.com'] }));\n"
)


def write(path: Path, text: str, mtime: int = PAST) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    os.utime(path, (mtime, mtime))


def snapshot(base: Path, tree: Path) -> dict[str, tuple[str, int, int]]:
    """Every path under `base` but the tree's cache folder: its kind, size and mtime (a
    folder's mtime moves with its entries, which are listed themselves)."""
    found: dict[str, tuple[str, int, int]] = {}
    cache = tree / ".corslint_cache"
    for directory, folders, files in os.walk(base):
        if Path(directory) == tree:
            folders[:] = [f for f in folders if f != ".corslint_cache"]
        for name in [*folders, *files]:
            path = Path(directory) / name
            if path == cache:
                continue
            info = path.lstat()
            kind = "link" if path.is_symlink() else "dir" if path.is_dir() else "file"
            found[str(path)] = (
                kind,
                info.st_size if kind == "file" else 0,
                info.st_mtime_ns if kind != "dir" else 0,
            )
    return found


def corslint(tree: Path, *arguments: str, timeout: float = 120) -> tuple[int, Any, str]:
    """`corslint . --format json ARGUMENTS` in `tree`, as a CI job would run it, with a
    home and a temporary folder of its own; checks that nothing outside the tree's cache
    folder changed."""
    base = tree.parent
    home = base / "home"
    home.mkdir(exist_ok=True)
    before = snapshot(base, tree)
    environment = {
        key: value for key, value in os.environ.items() if key not in {"CORSLINT_CACHE_DIR", "XDG_CACHE_HOME"}
    }
    environment.update(HOME=str(home), TMPDIR=str(home), XDG_CACHE_HOME=str(home / ".cache"))
    run = subprocess.run(
        [sys.executable, "-m", "corslint", ".", "--format", "json", *arguments],
        cwd=tree,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert snapshot(base, tree) == before, "something outside the cache folder changed"
    document = json.loads(run.stdout) if run.stdout.strip().startswith("{") else None
    return run.returncode, document, run.stderr


def found(document: Any) -> list[tuple[str, str]]:
    return sorted((f["rule_id"], f["path"]) for f in document["findings"])


def truth(tree: Path, *arguments: str) -> tuple[int, list[tuple[str, str]]]:
    code, document, _ = corslint(tree, "--no-cache", *arguments)
    return code, found(document)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (tmp_path / "outside").mkdir()
    write(tmp_path / "outside" / "secret.py", DIRTY.replace("app = ", "stolen = "))
    return root


# -- a committed cache --------------------------------------------------------------------
def _shards(tree: Path) -> list[Path]:
    return sorted((tree / ".corslint_cache").glob("*/[0-9a-f][0-9a-f].json"))


def test_a_committed_cache_that_vouches_for_clean_files_hides_nothing(tree: Path) -> None:
    """The repository brings a cache made from a clean app.py of the same size and mtime,
    findings that say "no problem" and a digest that matches its records: everything a
    repository can hold but the ctime the kernel gives each file it checks out."""
    write(tree / "app.py", CLEAN)
    _, document, _ = corslint(tree)
    assert ("CORS101", "app.py") not in found(document)
    write(tree / "app.py", DIRTY)  # as checked out: another file, the same size and mtime
    assert (tree / "app.py").stat().st_size == len(CLEAN)
    expected = truth(tree)
    assert expected[0] == 1 and ("CORS101", "app.py") in expected[1]
    code, document, _ = corslint(tree)
    assert (code, found(document)) == expected


@pytest.mark.parametrize("ctime_guess", ["mtime", "zero"])
def test_forged_records_with_guessed_stamps_are_not_believed(tree: Path, ctime_guess: str) -> None:
    """Records rewritten to carry the dirty file's size and every stamp a repository can
    know (its mtime, and a guess at the ctime), with findings that say nothing."""
    from corslint.runner.ignore_files import MIX, STAMP_BITS

    write(tree / "app.py", CLEAN)
    corslint(tree)
    write(tree / "app.py", DIRTY)
    info = (tree / "app.py").stat()
    guess = info.st_mtime_ns if ctime_guess == "mtime" else 0
    stamps = array("q", [info.st_size, (info.st_mtime_ns * MIX + guess) & STAMP_BITS]).tobytes()
    for shard in _shards(tree):
        records = json.loads(shard.read_text())
        for record in records.values():
            if record[1] == "app.py":
                record[2] = base64.b64encode(stamps).decode()
                record[3] = []  # "yields nothing"
        shard.write_text(json.dumps(records))
    for findings in (tree / ".corslint_cache").glob("*/findings.json"):
        data = json.loads(findings.read_text())
        data["findings"] = {"l": []}
        findings.write_text(json.dumps(data))
    code, document, _ = corslint(tree)
    assert (code, found(document)) == truth(tree) and code == 1


@pytest.mark.parametrize(
    "planted",
    [
        "deeply nested",
        "a link to a large file",
        "a FIFO",
        "not JSON",
    ],
)
def test_cache_files_that_are_traps_read_as_missing(tree: Path, planted: str) -> None:
    write(tree / "app.py", DIRTY)
    corslint(tree)
    target = tree.parent / "outside" / "big"
    for shard in [*_shards(tree), *(tree / ".corslint_cache").glob("*/findings.json")]:
        shard.unlink()
        if planted == "deeply nested":
            shard.write_text("[" * 200_000)
        elif planted == "a link to a large file":
            target.write_bytes(b" " * 1_000_000)
            shard.symlink_to(target)
        elif planted == "a FIFO":
            os.mkfifo(shard)
        else:
            shard.write_bytes(b"\xff\xfe not json")
    started = time.monotonic()
    code, document, _ = corslint(tree, timeout=60)
    assert (code, found(document)) == truth(tree) and code == 1
    assert time.monotonic() - started < 60


@pytest.mark.parametrize("link", [".corslint_cache", "key folder", ".gitignore", "CACHEDIR.TAG"])
def test_a_cache_folder_that_is_a_link_is_never_written_through(tree: Path, link: str) -> None:
    """A repository can bring `.corslint_cache` (or the folder of the key it can predict,
    or the files corslint marks its cache with) as a link to elsewhere: nothing is
    written there, and the run reports the truth."""
    write(tree / "app.py", DIRTY)
    outside = tree.parent / "outside"
    if link == ".corslint_cache":
        (tree / ".corslint_cache").symlink_to(outside, target_is_directory=True)
    else:
        corslint(tree)
        key = next(p for p in (tree / ".corslint_cache").iterdir() if p.is_dir())
        if link == "key folder":
            for child in key.iterdir():
                child.unlink()
            key.rmdir()
            key.symlink_to(outside, target_is_directory=True)
        else:
            for child in key.iterdir():
                child.unlink()
            (tree / ".corslint_cache" / ".gitignore").unlink()
            (tree / ".corslint_cache" / "CACHEDIR.TAG").unlink()
            (tree / ".corslint_cache" / link).symlink_to(outside / "planted")  # dangling
    write(tree / "app.py", DIRTY + "# edited\n", PAST + 10)  # so that the run writes again
    code, document, _ = corslint(tree)  # corslint() checks that outside/ is as it was
    assert (code, found(document)) == truth(tree) and code == 1
    assert not (outside / "planted").exists()


# -- links, special files and odd names in the tree ------------------------------------
def test_links_out_of_the_tree_and_to_special_files_are_notes(tree: Path) -> None:
    write(tree / "app.py", DIRTY)
    (tree / "rootlink").symlink_to("/")
    (tree / "secret.py").symlink_to(tree.parent / "outside" / "secret.py")
    (tree / "shared").symlink_to(tree.parent / "outside", target_is_directory=True)
    (tree / "zero.js").symlink_to("/dev/zero")
    if hasattr(os, "mkfifo"):
        os.mkfifo(tree / "pipe.py")
    started = time.monotonic()
    code, document, _ = corslint(tree, timeout=60)
    assert time.monotonic() - started < 60
    assert code == 1 and found(document) == truth(tree)[1]
    assert all(path == "app.py" for _, path in found(document))
    assert "stolen" not in json.dumps(document)  # the file outside was never read
    skipped = {item["path"]: item["reason"] for item in document["summary"]["skipped"]}
    assert set(skipped) >= {"rootlink", "secret.py", "shared", "zero.js"}
    assert "outside the paths being linted" in skipped["rootlink"]
    assert "special file" in skipped["zero.js"]


@pytest.mark.skipif(sys.platform == "win32", reason="names Windows refuses")
def test_names_with_control_characters_are_linted_and_reported(tree: Path) -> None:
    names = [
        "a\n::error file=ok.py,line=1::x\n::stop-commands::y.py",
        "\x1b[2K\x1b[1Aerase.py",
        "tab\there.py",
    ]
    for name in names:
        write(tree / name, DIRTY)
    code, document, _ = corslint(tree)
    assert code == 1
    assert {path for rule, path in found(document) if rule == "CORS101"} == set(names)
    assert found(document) == truth(tree)[1]


# -- values built to cost ---------------------------------------------------------------
def test_regexes_built_to_backtrack_hide_nothing(tree: Path) -> None:
    """Each pattern is a CORS001 at its option, which fails the run even at
    `--fail-level error`; the unrelated CORS101 beside it is still reported."""
    write(tree / "app.py", BACKTRACKING)
    write(tree / "server.js", JS_BACKTRACKING)
    code, document, _ = corslint(tree, "--fail-level", "error", timeout=100)
    assert code == 1
    reported = found(document)
    assert ("CORS101", "app.py") in reported
    assert ("CORS001", "app.py") in reported and ("CORS001", "server.js") in reported
    lines = {(f["path"], f["line"]) for f in document["findings"] if f["rule_id"] == "CORS001"}
    assert lines == {("app.py", 8), ("server.js", 2)}  # at the pattern, not the whole file
    assert reported == truth(tree, "--fail-level", "error")[1]
    # and a second run, which may not reuse a time limit's verdict, says the same
    assert found(corslint(tree, "--fail-level", "error", timeout=100)[1]) == reported


def test_simulate_on_a_backtracking_pattern_ends(tree: Path) -> None:
    write(tree / "app.py", BACKTRACKING)
    run = subprocess.run(
        [sys.executable, "-m", "corslint", "simulate", "app.py", "--origin", "https://" + "a" * 40 + "b.com"],
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=100,
    )
    assert run.returncode == 0
    assert "UNKNOWN" in run.stdout and "could not be evaluated" in run.stdout


def test_huge_values_are_judged(tree: Path) -> None:
    many = ", ".join(f'"https://h{index}.example.com"' for index in range(20_000))
    write(tree / "many.py", DIRTY.replace('["*"]', f'[{many}, "*"]'))
    write(
        tree / "long.js",
        "const cors = require('cors');\napp.use(cors({ origin: '" + "x" * 1_000_000 + "' }));\n",
    )
    code, document, _ = corslint(tree, timeout=110)
    assert code == 1 and ("CORS101", "many.py") in found(document)
    assert found(document) == truth(tree)[1]


def test_a_pattern_that_could_not_be_evaluated_fails_the_run_at_every_level(tree: Path) -> None:
    write(tree / "server.js", JS_BACKTRACKING)
    code, document, _ = corslint(tree, "--fail-level", "error", "--no-cache", timeout=100)
    assert {f["level"] for f in document["findings"]} <= {"warning", "note"}  # nothing at error level
    assert ("CORS001", "server.js") in found(document) and code == 1


@pytest.mark.parametrize(
    ("pattern", "text", "flags"),
    [
        (r"https://.*\.example\.com", "https://a.example.com", 0),
        (r"HTTPS://A\.EXAMPLE\.COM", "https://a.example.com", 0),
        (r"HTTPS://A\.EXAMPLE\.COM", "https://a.example.com", 2),  # re.IGNORECASE
        (r"https://\w+\.com", "https://\u00e9t\u00e9.com", 0),
        (r"https://\w+\.com", "https://\u00e9t\u00e9.com", 256),  # re.ASCII, as for JS without `u`
        (r"(?i)https://a\.com$", "HTTPS://A.COM", 0),
        (r"^https://(?P<sub>[a-z]+)\.example\.com", "https://app.example.com.evil.test", 0),
    ],
)
def test_bounded_matching_answers_as_re_does(pattern: str, text: str, flags: int) -> None:
    import re

    from corslint.frameworks import bounded_regex

    for method in ("match", "search", "fullmatch"):
        expected = getattr(re, method)(pattern, text, flags)
        got = getattr(bounded_regex, method)(pattern, text, flags)
        assert (got is None) == (expected is None), method
        compiled = re.compile(pattern, flags)
        assert (getattr(bounded_regex, method)(compiled, text) is None) == (expected is None)


def test_bounded_matching_refuses_what_re_refuses_and_gives_up_on_backtracking() -> None:
    import re

    from corslint.frameworks import bounded_regex

    with pytest.raises(re.error):
        bounded_regex.match("https://(a", "https://a")
    long = "https://" + "a" * 60 + "!"
    with pytest.raises(bounded_regex.PatternTimeout):
        bounded_regex.fullmatch(r"https://(a|aa)+\.com", long)
    with pytest.raises(bounded_regex.PatternTimeout):  # remembered: no second wait
        bounded_regex.fullmatch(r"https://(a|aa)+\.com", "https://a.com")
