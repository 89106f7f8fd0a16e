"""The results cache: a warm run answers like a cold one, reads nothing unchanged, notices
every change that matters, and survives damage and concurrent runs."""

from __future__ import annotations

import base64
import itertools
import json
import os
import subprocess
import sys
from array import array
from pathlib import Path
from typing import Any

import pytest

import corslint.runner.cache_format as cache_format
from corslint.engine import FileOutcome
from corslint.extractors import Extractor, ProjectContext
from corslint.runner.cache import Cache, settings_fingerprint
from corslint.runner.cache_format import decode, encode
from corslint.runner.discovery import Candidate
from corslint.runner.prefilter import read_file
from corslint.runner.result import RunResult
from corslint.runner.run import lint
from corslint.runner.settings import Settings
from tests.conftest import run_cli

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
    """Records every file the extractors are asked to read (once, however many read it)."""
    parsed: list[str] = []
    original = Extractor.load

    def load(self: Extractor):  # type: ignore[no-untyped-def]
        extract = original(self)

        def wrapper(path: str, text: str, context: object):  # type: ignore[no-untyped-def]
            if path not in parsed:
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

    def cached_text() -> str:
        return "".join(p.read_text() for p in cache.glob("*/*.json"))

    assert "gone.py" in cached_text()
    (in_tmp / "gone.py").unlink()
    result = lint([Path(".")], Settings(), cache_dir=cache)
    assert {f.location.path for f in result.findings} == {"app.py"}
    assert "gone.py" not in cached_text()  # neither a row, nor a name in the folder's listing


def test_damaged_or_hostile_cache_files_are_ignored(in_tmp: Path, no_parsing: list[str]) -> None:
    write(in_tmp / "app.py", APP)
    cache = in_tmp / ".corslint_cache"
    cold = lint([Path(".")], Settings(), cache_dir=cache)
    shards = sorted(cache.glob("*/[0-9a-f][0-9a-f].json"))
    assert shards
    size, mtime = _stamp(in_tmp / "app.py")
    # a well-formed record for the top folder whose outcome names a class the cache does
    # not know: it must not be looked up, let alone run, and the file is read again
    outcome = json.dumps({"c": "os.system", "a": ["touch PWNED"]})
    stamps = base64.b64encode(array("q", [size, mtime]).tobytes()).decode()
    top = shards[0].parent / f"{Cache._number(''):02x}.json"
    for shard in shards:
        shard.write_text("{not json")
    top.write_text(json.dumps({"": [None, "app.py", stamps, [[0, outcome, []]]]}))
    (shards[0].parent / "findings.json").unlink()  # so that the outcome must be decoded
    no_parsing.clear()
    warm = lint([Path(".")], Settings(), cache_dir=cache)
    assert summary(warm) == summary(cold)
    assert no_parsing == ["app.py"]  # read again, not taken from the hostile record
    assert not (in_tmp / "PWNED").exists()


def test_outcomes_round_trip_through_json() -> None:
    """Every fixture's extraction survives encode -> JSON -> decode unchanged."""
    from corslint.runner.cache_format import outcome_classes
    from corslint.runner.discovery import walk
    from corslint.runner.prefilter import SOURCE_NAMES, SOURCE_SUFFIXES

    context = ProjectContext()
    checked = 0
    for candidate in walk([ROOT / "tests" / "fixtures"], (), SOURCE_SUFFIXES + SOURCE_NAMES):
        outcome = read_file(candidate, context)
        if not outcome.parsed:
            continue
        stored = FileOutcome(outcome.policies, outcome.diagnostics, None, outcome.parsed, outcome.skipped)
        assert decode(json.loads(json.dumps(encode(stored))), outcome_classes()) == stored
        checked += 1
    assert checked > 20


def test_concurrent_runs_share_the_cache_safely(in_tmp: Path) -> None:
    for index in range(40):
        write(in_tmp / f"pkg{index % 7}" / f"module{index}.py", APP if index % 5 == 0 else "x = 1\n")
    code = (
        "from pathlib import Path\nfrom corslint.runner.settings import Settings\nfrom corslint.runner.run import lint\n"
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
    sizes = array("q", [c.size for c in candidates])
    mtimes = array("q", [c.mtime_ns for c in candidates])
    assert cache.lookup(candidates, sizes, mtimes) == [None, None]
    cache.store_all([(1, candidates[1])], {1: (1, FileOutcome(), ())})
    assert cache.lookup(candidates, sizes, mtimes) == [None, FileOutcome()]


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


# -- the folder snapshot: an unchanged folder is not listed again, a changed one is ---------
def _tree(root: Path) -> None:
    (root / ".git").mkdir()
    write(root / ".gitignore", "*.log\n")
    write(root / "app.py", APP)
    write(root / "pkg" / "a.py", "x = 1\n")
    write(root / "pkg" / "deep" / "b.py", APP)
    _settle(root)


def _settle(root: Path, mtime: int = PAST) -> None:
    """Folder mtimes out of the racy window, as they would be a while after an edit (a
    folder already settled is left alone: setting its mtime again changes its ctime, so
    its stamp, as a real change would)."""
    for folder in [root, *(p for p in root.rglob("*") if p.is_dir() and ".corslint_cache" not in p.parts)]:
        if folder.stat().st_mtime_ns != mtime * 1_000_000_000:
            os.utime(folder, (mtime, mtime))


def _warm(root: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[RunResult, list[str]]:
    listed: list[str] = []
    original = os.scandir

    def scandir(path: str) -> object:
        if not os.path.isabs(path):  # not corslint's own package, fingerprinted by the cache
            listed.append(str(path))
        return original(path)

    with monkeypatch.context() as patch:
        patch.setattr(os, "scandir", scandir)
        result = lint([Path(".")], Settings(), cache_dir=_outside(root))
    return result, listed


def _outside(root: Path) -> Path:
    """A cache folder outside the tree: one inside it changes the tree's top folder."""
    return root.parent / f"{root.name}-cache"


def _cold(root: Path) -> RunResult:
    return lint([Path(".")], Settings())


def test_unchanged_folders_are_not_listed_again(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _tree(in_tmp)
    first, listed = _warm(in_tmp, monkeypatch)
    assert len(listed) == 3
    _settle(in_tmp)  # creating .corslint_cache changed the top folder
    second, listed = _warm(in_tmp, monkeypatch)
    assert listed == []
    assert summary(second) == summary(first) == summary(_cold(in_tmp))
    assert second.policies == first.policies and second.stats.files_seen == 3


CHANGES = ["add", "remove", "rename", "edit", "ignore-above", "ignore-here", "git-exclude", "exclude"]


@pytest.mark.parametrize("change", CHANGES)
def test_the_next_warm_run_sees_every_change(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    _tree(in_tmp)
    _warm(in_tmp, monkeypatch)
    _settle(in_tmp)
    before, listed = _warm(in_tmp, monkeypatch)
    assert listed == []
    deep = in_tmp / "pkg" / "deep"
    settings = Settings()
    if change == "add":
        write(deep / "c.py", APP.replace('["*"], allow_methods', '["null"], allow_methods'))
    elif change == "remove":
        (deep / "b.py").unlink()
    elif change == "rename":
        (deep / "b.py").rename(deep / "c.py")
    elif change == "edit":  # in place: the folder's mtime does not change
        write(deep / "b.py", APP.replace('["*"], allow_methods', '["null"], allow_methods'), PAST + 10)
    elif change == "ignore-above":  # its own folder and two below; no folder changes
        write(in_tmp / ".gitignore", "*.log\nb.py\napp.py\n", PAST + 10)
    elif change == "ignore-here":
        write(deep / ".ignore", "b.py\n")
    elif change == "git-exclude":  # inside .git: the top folder does not change
        write(in_tmp / ".git" / "info" / "exclude", "b.py\napp.py\n")
    elif change == "exclude":
        settings = Settings(exclude=("pkg/deep",))
    if change in {"add", "remove", "rename", "ignore-here"}:
        os.utime(deep, (PAST + 20, PAST + 20))  # the folder changed, a while ago
    cold = lint([Path(".")], settings)
    warm = lint([Path(".")], settings, cache_dir=_outside(in_tmp))
    assert summary(warm) == summary(cold) and summary(warm) != summary(before)
    assert warm.policies == cold.policies and warm.stats.files_seen == cold.stats.files_seen
    if change != "exclude":
        again, listed = _warm(in_tmp, monkeypatch)
        assert summary(again) == summary(cold) and listed == []


def test_a_damaged_folder_snapshot_is_ignored(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _tree(in_tmp)
    cold, _ = _warm(in_tmp, monkeypatch)
    for shard in _outside(in_tmp).glob("*/[0-9a-f][0-9a-f].json"):
        data = json.loads(shard.read_text())
        for record in data.values():
            if record[0] is not None:
                record[0][4] = ["../../outside.py", "/etc/passwd"]  # names that leave the folder
        shard.write_text(json.dumps(data))
    warm, listed = _warm(in_tmp, monkeypatch)
    assert summary(warm) == summary(cold) and len(listed) == 3


@pytest.mark.parametrize(
    ("field", "value"),
    [
        (1, "../../outside.py"),  # names that leave the folder
        (1, "app.py/../../etc/passwd"),
        (1, "app.py//b.py"),
        (1, ["app.py"]),  # not the stored form at all
        (2, "not base64 at all!"),
        (2, "AAAA"),  # stamps of the wrong length for the names
    ],
)
def test_a_hostile_folder_record_is_ignored(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch, field: int, value: object
) -> None:
    _tree(in_tmp)
    cold, _ = _warm(in_tmp, monkeypatch)
    shards = list(_outside(in_tmp).glob("*/[0-9a-f][0-9a-f].json"))
    for shard in shards:
        data = json.loads(shard.read_text())
        for record in data.values():
            record[field] = value
        shard.write_text(json.dumps(data))
    warm, listed = _warm(in_tmp, monkeypatch)
    assert summary(warm) == summary(cold)
    assert warm.stats.files_cached == 0 and len(listed) == 3  # every folder read afresh


def test_a_link_planted_where_the_cache_writes_is_not_followed(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(in_tmp / "app.py", APP)
    cache = in_tmp / ".corslint_cache"
    lint([Path(".")], Settings(), cache_dir=cache)
    folder = next(cache.glob("*/findings.json")).parent
    victim = in_tmp.parent / f"{in_tmp.name}-victim.txt"
    victim.write_text("precious\n")
    names = [p.name for p in folder.iterdir()]
    monkeypatch.setattr(cache_format, "_WRITES", itertools.count())  # numbered from 0 again
    planted = [folder / f".tmp-{os.getpid()}-{n}-{name}" for n in range(20) for name in names]
    for link in planted:  # every temporary file the next run could write
        link.symlink_to(victim)
    write(in_tmp / "app.py", APP + "# edited\n")  # so that the next run writes again
    lint([Path(".")], Settings(), cache_dir=cache)
    assert victim.read_text() == "precious\n"
    assert sum(not link.is_symlink() for link in planted) >= 2  # replaced by the writes
    assert not (folder / "findings.json").is_symlink()


def test_runs_in_threads_of_one_process_share_the_cache_safely(in_tmp: Path) -> None:
    """Temporary files are named per write, not per process: two threads never write
    into one."""
    from concurrent.futures import ThreadPoolExecutor

    for index in range(40):
        write(in_tmp / f"pkg{index % 4}" / f"m{index}.py", APP if index % 9 == 0 else "x = 1\n")
    _settle(in_tmp)
    cache = in_tmp / ".corslint_cache"
    cold = lint([Path(".")], Settings())
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: lint([Path(".")], Settings(), cache_dir=cache, jobs=1), range(8)))
    assert all(summary(result) == summary(cold) for result in results)
    for shard in cache.glob("*/*.json"):
        json.loads(shard.read_text())  # whole, never a mix of two writes
    assert not list(cache.glob("*/.tmp-*"))
    _settle(in_tmp)
    warm = lint([Path(".")], Settings(), cache_dir=cache, jobs=1)
    assert warm.stats.files_cached == warm.stats.files_seen == 40


# -- through the command line: a cache-answered run prints what a cold run prints ----------
LATER = PAST + 100  # a change made after the cached run, settled too
CONF_APP = (
    "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n"
    "from conf.origins import ORIGINS\n\napp = FastAPI()\n"
    'app.add_middleware(CORSMiddleware, allow_origins=ORIGINS, allow_methods=["*"], allow_credentials=True)\n'
)
ORIGINS = 'ORIGINS = ["https://app.example.com"]\n'


def settle_all(root: Path, when: int = PAST) -> None:
    """Every file and folder under `root` (and `root`) last changed long ago (`when`)."""
    for directory, folders, names in os.walk(root, topdown=False):
        for name in [*names, *folders]:
            os.utime(os.path.join(directory, name), (when, when), follow_symlinks=False)
    os.utime(root, (when, when))


def findings_of(run: tuple[int, str, str]) -> tuple[int, Any, Any, str]:
    """A JSON run's exit code, findings, skipped files and notes (the summary also counts
    the files parsed, which a run the cache answers does not)."""
    document = json.loads(run[1])
    return run[0], document["findings"], document["summary"]["skipped"], run[2]


def test_the_fixture_projects_answer_from_the_cache_as_they_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every framework's fixtures in one tree: findings, skipped files, notes and all."""
    import shutil

    tree = tmp_path / "tree"
    shutil.copytree(ROOT / "tests" / "fixtures", tree)
    (tree / ".git").mkdir()
    settle_all(tree)
    monkeypatch.chdir(tree)
    monkeypatch.setenv("CORSLINT_CACHE_DIR", str(_outside(tree)))  # the tree stays as it is
    cold = run_cli(".", "--format", "json", "--no-cache")
    run_cli(".", "--format", "json")
    warm = run_cli(".", "--format", "json")
    assert findings_of(warm) == findings_of(cold) and cold[1].count('"rule_id"') > 50
    assert json.loads(warm[1])["summary"]["files_parsed"] == 0  # every answer from the cache


def conf_project(root: Path) -> None:
    (root / ".git").mkdir()  # the repository's top: settings and ignore files stop here
    write(root / "api" / "main.py", CONF_APP)
    write(root / "conf" / "origins.py", ORIGINS)
    write(root / "conf" / "__init__.py", "")
    write(root / "README.md", "an app\n")
    settle_all(root)


def changed(root: Path, *paths: str) -> None:
    """What a real change moves, and nothing else: these paths' mtimes, to LATER."""
    for path in paths:
        os.utime(root / path, (LATER, LATER))


def edit_keeping_size(root: Path) -> None:
    (root / "conf" / "origins.py").write_text('ORIGINS = ["*"]\n'.ljust(len(ORIGINS) - 1) + "\n")
    os.utime(root / "conf" / "origins.py", (PAST + 1, PAST + 1))


def add_a_file(root: Path) -> None:
    (root / "api" / "admin.py").write_text(CONF_APP.replace("ORIGINS", '["*"]'))
    changed(root, "api/admin.py", "api")


def remove_a_file(root: Path) -> None:
    (root / "api" / "main.py").unlink()
    changed(root, "api")


def add_a_folder(root: Path) -> None:
    write(root / "conf" / "more" / "app.py", CONF_APP.replace("ORIGINS", '["null"]'), LATER)
    changed(root, "conf/more", "conf")


def ignore_the_app(root: Path) -> None:
    (root / "api" / ".gitignore").write_text("main.py\n")
    changed(root, "api/.gitignore", "api")


def configure_corslint(root: Path) -> None:
    (root / "pyproject.toml").write_text('[tool.corslint]\nignore = ["CORS2"]\n')
    changed(root, "pyproject.toml", ".")


def replace_a_file_with_a_folder(root: Path) -> None:
    (root / "conf" / "origins.py").unlink()
    (root / "conf" / "origins.py").mkdir()
    changed(root, "conf/origins.py", "conf")


CLI_CHANGES = [
    edit_keeping_size,
    add_a_file,
    remove_a_file,
    add_a_folder,
    ignore_the_app,
    configure_corslint,
    replace_a_file_with_a_folder,
]


@pytest.mark.parametrize("change", CLI_CHANGES, ids=lambda change: change.__name__)
@pytest.mark.parametrize("target", [".", "api"])
def test_a_change_reaches_the_cached_run(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch, change: Any, target: str
) -> None:
    """A run after any change prints what a run without the cache prints (`api` reads
    conf/ as an import of api/main.py)."""
    monkeypatch.setenv("CORSLINT_CACHE_DIR", str(_outside(in_tmp)))  # the tree stays as it is
    conf_project(in_tmp)
    arguments = (target, "--format", "json")
    run_cli(*arguments)
    before = run_cli(*arguments)
    assert json.loads(before[1])["summary"]["files_parsed"] == 0
    change(in_tmp)
    cold = run_cli(*arguments, "--no-cache")
    assert findings_of(run_cli(*arguments)) == findings_of(cold)
    if not (target == "api" and change is add_a_folder):  # conf/more is not read from api
        assert findings_of(cold) != findings_of(before)
