"""Replays: a re-run that nothing it read could have changed prints the recorded output
(corslint.replay), and every change that could matter sends it back to a full run."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corslint import replay
from corslint.cli import main

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
PAST = 1_600_000_000  # long before any run: nothing is too recent to trust
LATER = PAST + 100  # a change made after the record, settled too (a folder's mtime never goes back)
APP = (
    "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n"
    "from conf.origins import ORIGINS\n\napp = FastAPI()\n"
    'app.add_middleware(CORSMiddleware, allow_origins=ORIGINS, allow_methods=["*"], allow_credentials=True)\n'
)
ORIGINS = 'ORIGINS = ["https://app.example.com"]\n'
WIDE_ORIGINS = 'ORIGINS = ["*"]\n'  # padded to ORIGINS' length where the size must not change


def settle(root: Path, when: int = PAST) -> None:
    """Every file and folder under `root` (and `root`) last changed long ago (`when`)."""
    for directory, folders, files in os.walk(root, topdown=False):
        for name in files:
            path = os.path.join(directory, name)
            if not os.path.islink(path):
                os.utime(path, (when, when))
        for name in folders:
            os.utime(os.path.join(directory, name), (when, when), follow_symlinks=False)
    os.utime(root, (when, when))


def project(root: Path) -> Path:
    (root / ".git").mkdir()  # the repository's top: settings and ignore files stop here
    (root / "api").mkdir()
    (root / "api" / "main.py").write_text(APP)
    (root / "conf").mkdir()
    (root / "conf" / "origins.py").write_text(ORIGINS)
    (root / "conf" / "__init__.py").write_text("")
    (root / "README.md").write_text("an app\n")
    settle(root)
    return root


def recorded_run(*arguments: str) -> tuple[int, str, str]:
    """`corslint ARGUMENTS` as the console command runs it (recording), in this process."""
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(list(arguments), recorded=True)
    return code, stdout.getvalue(), stderr.getvalue()


def replayed(*arguments: str) -> tuple[int, str, str] | None:
    """The replay of `corslint ARGUMENTS`, or None where it does not hold."""
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = replay.replay(list(arguments))
    return None if code is None else (code, stdout.getvalue(), stderr.getvalue())


def records(cache: Path) -> list[Path]:
    return sorted(cache.glob("replay-*")) if cache.is_dir() else []


def warmed(root: Path, *arguments: str) -> tuple[int, str, str]:
    """A cold run, then (its own changes settled) a full run the cache answers: recorded."""
    recorded_run(*arguments)
    assert records(root / ".corslint_cache") == []  # it read files: nothing to replay
    settle(root)
    warm = recorded_run(*arguments)
    assert len(records(root / ".corslint_cache")) == 1
    return warm


def sources_settled() -> None:
    """Wait until corslint's own modules are old enough to vouch for (just after an edit
    they are not, and no run would record)."""
    inputs = replay.RunInputs(time.time_ns())
    replay.own_sources(inputs)
    newest = max(inputs.mtimes)
    if newest > inputs.racy_after:
        time.sleep((newest - inputs.racy_after) / 1e9 + 0.01)


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    sources_settled()
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CORSLINT_CACHE_DIR", raising=False)
    return project(tmp_path)


@pytest.mark.parametrize("output_format", ["text", "json", "sarif", "github"])
def test_a_replay_prints_what_the_run_printed(app: Path, output_format: str) -> None:
    warm = warmed(app, ".", "--format", output_format, "--statistics")
    assert warm[0] == 1 and "CORS" in warm[1]
    assert replayed(".", "--format", output_format, "--statistics") == warm
    # and again: a replay leaves the record as it was
    assert replayed(".", "--format", output_format, "--statistics") == warm


def test_a_replay_writes_the_report_file_the_run_wrote(
    app: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    report = tmp_path_factory.mktemp("out") / "report.sarif"
    warm = warmed(app, ".", "--format", "sarif", "--output", str(report))
    written = report.read_text("utf-8")
    report.unlink()
    assert replayed(".", "--format", "sarif", "--output", str(report)) == warm
    assert report.read_text("utf-8") == written


def test_the_fixture_projects_replay_as_they_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every framework's fixtures in one tree: findings, skipped files, notes and all."""
    sources_settled()
    tree = tmp_path / "tree"
    shutil.copytree(FIXTURES, tree)
    (tree / ".git").mkdir()
    settle(tree)
    monkeypatch.chdir(tree)
    monkeypatch.delenv("CORSLINT_CACHE_DIR", raising=False)
    warm = warmed(tree, ".", "--format", "json")
    assert warm[1].count('"rule_id"') > 50
    assert replayed(".", "--format", "json") == warm


def edit_a_file_keeping_its_size(root: Path) -> None:
    (root / "conf" / "origins.py").write_text(WIDE_ORIGINS.ljust(len(ORIGINS) - 1) + "\n")


def edit_a_file_keeping_size_and_mtime_of_a_second_later(root: Path) -> None:
    edit_a_file_keeping_its_size(root)
    os.utime(root / "conf" / "origins.py", (PAST + 1, PAST + 1))


def changed(root: Path, *paths: str) -> None:
    """What a real change moves, and nothing else: these paths' mtimes, to LATER."""
    for path in paths:
        os.utime(root / path, (LATER, LATER))


def add_a_file(root: Path) -> None:
    (root / "api" / "admin.py").write_text(APP.replace("ORIGINS", '["*"]'))
    changed(root, "api/admin.py", "api")


def remove_a_file(root: Path) -> None:
    (root / "api" / "main.py").unlink()
    changed(root, "api")


def add_a_folder(root: Path) -> None:
    (root / "conf" / "more").mkdir()
    (root / "conf" / "more" / "app.py").write_text(APP)
    changed(root, "conf/more/app.py", "conf/more", "conf")


def ignore_the_app(root: Path) -> None:
    (root / "api" / ".gitignore").write_text("main.py\n")
    changed(root, "api/.gitignore", "api")


def edit_an_ignore_file(root: Path) -> None:
    (root / ".gitignore").write_text("api/\n")  # the same size as before
    changed(root, ".gitignore")


def configure_corslint(root: Path) -> None:
    (root / "pyproject.toml").write_text('[tool.corslint]\nignore = ["CORS104"]\n')
    changed(root, "pyproject.toml", ".")


def replace_a_file_with_a_folder(root: Path) -> None:
    (root / "README.md").unlink()
    (root / "README.md").mkdir()
    changed(root, "README.md", ".")


CHANGES: list[Callable[[Path], None]] = [
    edit_a_file_keeping_its_size,
    edit_a_file_keeping_size_and_mtime_of_a_second_later,
    add_a_file,
    remove_a_file,
    add_a_folder,
    ignore_the_app,
    edit_an_ignore_file,
    configure_corslint,
    replace_a_file_with_a_folder,
]


@pytest.mark.parametrize("change", CHANGES, ids=lambda change: change.__name__)
def test_a_change_sends_the_run_back_in_full(app: Path, change: Callable[[Path], None]) -> None:
    if change is edit_an_ignore_file:
        (app / ".gitignore").write_text("dst/\n")
        settle(app)
    warmed(app, ".")
    change(app)
    assert replayed(".") is None


def test_a_changed_import_of_a_cached_file_sends_the_run_back(app: Path) -> None:
    """conf/origins.py is read as an input of api/main.py, and its change is the finding's."""
    before = warmed(app, "api")  # only api/ is walked; conf/origins.py is read as an import
    edit_a_file_keeping_size_and_mtime_of_a_second_later(app)
    assert replayed("api") is None
    after = recorded_run("api")
    assert after != before and "CORS101" in after[1]


def test_settings_above_the_walked_folder_are_inputs_too(app: Path) -> None:
    warmed(app, "api")
    (app / ".corslint.toml").write_text('ignore = ["CORS1"]\n')  # found from api/, in its parent
    assert replayed("api") is None


def test_an_ignore_file_above_the_walked_folder_is_an_input(app: Path) -> None:
    (app / ".ignore").write_text("nothing-here/\n")
    settle(app)
    warmed(app, "api")
    (app / ".ignore").write_text("main.py\n")
    assert replayed("api") is None


@pytest.mark.parametrize(
    "other",
    [
        lambda: replayed(".", "--format", "json"),  # another command line
        lambda: replayed("./"),
    ],
    ids=["options", "spelling"],
)
def test_another_command_line_is_another_run(app: Path, other: Callable[[], object]) -> None:
    warmed(app, ".")
    assert other() is None


def test_another_folder_or_cache_is_another_run(app: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    warmed(app, "api")
    monkeypatch.chdir(app / "conf")
    assert replayed("../api") is None and replayed("api") is None
    monkeypatch.chdir(app)
    monkeypatch.setenv("CORSLINT_CACHE_DIR", str(app / ".corslint_cache"))
    assert replayed("api") is None  # the environment is part of the run's key


def test_a_run_that_read_recent_changes_is_not_recorded(app: Path) -> None:
    recorded_run(".")
    settle(app)
    (app / "conf" / "origins.py").write_text(ORIGINS)  # now: within the 2 s a stamp may hide an edit
    recorded_run(".")
    assert records(app / ".corslint_cache") == []


def test_a_run_through_a_link_is_not_recorded(app: Path) -> None:
    (app / "linked.py").symlink_to(app / "api" / "main.py")
    settle(app)
    recorded_run(".")
    settle(app)
    recorded_run(".")
    assert records(app / ".corslint_cache") == []


def test_runs_without_the_cache_or_with_it_elsewhere_are_not_recorded(
    app: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(2):
        recorded_run(".", "--no-cache")
        settle(app)
    assert not (app / ".corslint_cache").exists()
    # settings in the parent folder put the cache there; a run from api/ would not find the record
    (app / ".corslint.toml").write_text("")
    settle(app)
    monkeypatch.chdir(app / "api")
    for _ in range(2):
        recorded_run(".")
        settle(app)
    assert (app / ".corslint_cache").is_dir() and records(app / ".corslint_cache") == []
    assert not (app / "api" / ".corslint_cache").exists()


def test_in_process_runs_are_not_recorded(app: Path) -> None:
    """Only the console command records: a library caller's output is not ours to replay."""
    for _ in range(2):
        with contextlib.redirect_stdout(io.StringIO()):
            main(["."])
        settle(app)
    assert records(app / ".corslint_cache") == []


def test_corslint_itself_is_an_input(app: Path) -> None:
    warmed(app, ".")
    (record,) = records(app / ".corslint_cache")
    decoded = replay.decode_record(record.read_bytes())
    assert decoded is not None
    assert os.fsencode(replay.__file__) in decoded.paths


def test_the_console_command_replays_without_importing_the_linter(app: Path) -> None:
    def console() -> tuple[int, str, str, list[str]]:
        run = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "corslint", ".", "--format", "json"],
            capture_output=True,
            text=True,
            env={k: v for k, v in os.environ.items() if k != "CORSLINT_CACHE_DIR"},
        )
        timed = [
            line.split("|")[-1].strip() for line in run.stderr.splitlines() if line.startswith("import time:")
        ]
        err = "".join(line + "\n" for line in run.stderr.splitlines() if not line.startswith("import time:"))
        return run.returncode, run.stdout, err, timed

    cold = console()
    settle(app)
    warm, replay_run = console(), console()
    assert warm[:3] == replay_run[:3]  # a cold run's summary counts files parsed, not cached
    assert cold[0] == warm[0] == 1 and "CORS204" in cold[1] and "CORS204" in warm[1]
    assert "corslint.cli" in warm[3]
    assert "corslint.replay" in replay_run[3]
    assert not {"corslint.cli", "corslint.lint", "corslint.cache", "corslint.config", "argparse"} & set(
        replay_run[3]
    )


# -- the record itself ------------------------------------------------------------------
def a_record(tmp_path: Path, count: int = 3) -> tuple[bytes, replay.Record]:
    inputs = replay.RunInputs(started_ns=PAST * 10**9 + 10**12)
    for index in range(count):
        path = tmp_path / f"f{index}.txt"
        path.write_text("x" * index)
        os.utime(path, (PAST, PAST))
        inputs.looked_at(str(path))
    inputs.folder(str(tmp_path), os.stat(tmp_path).st_mtime_ns)
    inputs.exists(str(tmp_path / "absent"), False)
    inputs.exists(str(tmp_path / "f0.txt"), True)
    data = replay.encode_record(b"key", inputs, "out\udcff\n", None, "err ✓\n", 1)
    decoded = replay.decode_record(data)
    assert decoded is not None
    return data, decoded


def test_a_record_decodes_to_what_was_encoded(tmp_path: Path) -> None:
    _, record = a_record(tmp_path)
    assert (record.key, record.code, record.report_file, record.report, record.stderr) == (
        b"key",
        1,
        None,
        "out\udcff\n",
        "err ✓\n",
    )
    assert len(record.paths) == 6 and replay.unchanged(record)
    (tmp_path / "absent").write_text("")
    assert not replay.unchanged(record)


@pytest.mark.parametrize("cut", [0, 10, 30, -17, -1])
def test_a_truncated_or_padded_record_is_no_record(tmp_path: Path, cut: int) -> None:
    data, _ = a_record(tmp_path)
    assert replay.decode_record(data[:cut]) is None
    assert replay.decode_record(data + b"\0" * 8) is None


def test_a_record_with_a_size_no_run_writes_never_holds(tmp_path: Path) -> None:
    _, record = a_record(tmp_path)
    record.sizes[-1] = -7
    assert not replay.unchanged(record)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300), st.binary(max_size=40))
def test_any_bytes_decode_to_a_record_or_to_none(noise: bytes, header: bytes) -> None:
    for data in (noise, replay.FORMAT + header + b"\n" + noise):
        record = replay.decode_record(data)
        assert record is None or isinstance(record.key, bytes)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.binary(max_size=12), min_size=4, max_size=4),
    st.integers(-2, 300),
    st.binary(max_size=40),
    st.integers(0, 6),
)
def test_a_record_whose_parts_disagree_decodes_to_none(
    parts: list[bytes], code: int, paths: bytes, count: int
) -> None:
    """Every length in the header matches the body exactly, so only what disagrees can
    refuse it: paths that do not split into `count`, or an exit code out of range. A
    record never comes out with paths and stamps in different numbers."""
    key, target, out, err = parts
    lengths = (len(key), code, len(target), len(out), len(err), count, len(paths))
    header = b" ".join(b"%d" % n for n in lengths) + b"\n"
    stamps = bytes(8 * 2 * count)
    record = replay.decode_record(replay.FORMAT + header + key + target + out + err + paths + stamps)
    consistent = 0 <= code <= 255 and len(paths.split(b"\0") if count else []) == count
    try:
        out.decode("utf-8", "surrogatepass")
        err.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        consistent = False
    assert (record is not None) is consistent
    if record is not None:
        assert len(record.paths) == len(record.sizes) == len(record.mtimes) == count
        assert record.key == key and record.report_file == (target or None)


@pytest.mark.parametrize("changed", [None, 0, 1, 4999, 5000, 9999])
def test_a_large_record_is_checked_in_two_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, changed: int | None
) -> None:
    """Half the paths are checked in a forked child: a change in either half is seen."""
    monkeypatch.setattr(replay, "SPLIT_ABOVE", 100)
    inputs = replay.RunInputs(started_ns=0)
    for index in range(10_000):
        inputs.exists(str(tmp_path / f"absent-{index}"), False)
    record = replay.decode_record(replay.encode_record(b"k", inputs, "", None, "", 0))
    assert record is not None
    if changed is not None:
        (tmp_path / f"absent-{changed}").write_text("")
    assert replay.unchanged(record) is (changed is None)


def test_only_the_latest_records_are_kept(app: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each command line has its record (pre-commit's name files): the oldest go."""
    cache, out = app / ".corslint_cache", tmp_path_factory.mktemp("out")
    warmed(app, ".")
    for index in range(replay.KEEP + 2):
        before = set(records(cache))
        recorded_run(".", "--output", str(out / f"{index}.txt"))
        (new,) = set(records(cache)) - before
        os.utime(new, (LATER + index, LATER + index))  # written in this order, whatever the clock's grain
    assert len(records(cache)) == replay.KEEP
    assert replayed(".", "--output", str(out / f"{replay.KEEP + 1}.txt")) is not None
    assert replayed(".", "--output", str(out / "1.txt")) is None


def test_a_record_that_does_not_vouch_for_corslint_is_not_replayed(app: Path) -> None:
    """A record planted with no paths (or none of corslint's) would otherwise always hold."""
    warmed(app, ".")
    (path,) = records(app / ".corslint_cache")
    recorded = replay.decode_record(path.read_bytes())
    assert recorded is not None
    key = recorded.key
    empty = replay.encode_record(key, replay.RunInputs(0), "all clear\n", None, "", 0)
    path.write_bytes(empty)
    assert replayed(".") is None
    inputs = replay.RunInputs(0)
    inputs.looked_at(str(app / "README.md"))
    path.write_bytes(replay.encode_record(key, inputs, "all clear\n", None, "", 0))
    assert replayed(".") is None
    inputs = replay.RunInputs(0)
    replay.own_sources(inputs)
    path.write_bytes(replay.encode_record(key, inputs, "all clear\n", None, "", 0))
    assert replayed(".") == (0, "all clear\n", "")  # the test's own forgery, with the real stamps


def test_a_record_that_cannot_be_read_is_no_record(app: Path) -> None:
    warmed(app, ".")
    (path,) = records(app / ".corslint_cache")
    path.unlink()
    path.mkdir()  # a folder where the record was
    assert replayed(".") is None
    assert recorded_run(".")[0] == 1  # and the run itself goes on


def test_a_working_folder_that_is_gone_runs_in_full(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    assert replayed(".") is None


def test_a_settings_file_named_on_the_command_line_is_an_input(app: Path) -> None:
    """Beside the cache (a settings file elsewhere puts the cache there, and the run is not
    recorded), and left out of the walk, so that only the settings search reads it."""
    (app / ".gitignore").write_text("strict.toml\n")
    (app / "strict.toml").write_text('ignore = ["CORS2"]\n')
    settle(app)
    warmed(app, ".", "--config", "strict.toml")
    (app / "strict.toml").write_text('ignore = ["CORS1"]\n')  # the same size
    assert replayed(".", "--config", "strict.toml") is None


@pytest.mark.parametrize(
    ("above", "text", "options"),
    [
        # settings named on the command line: only the walk looks for the repository's top
        (".ignore", "main.py\n", ("--config", "empty.toml")),
        # ignore files not read: only the settings search looks for it
        (".corslint.toml", 'ignore = ["CORS2"]\n', ("--no-respect-gitignore",)),
    ],
    ids=["ignore-file", "settings"],
)
def test_a_repository_top_made_between_the_walk_and_the_files_above_it_is_seen(
    app: Path, above: str, text: str, options: tuple[str, ...]
) -> None:
    """`corslint api/v1` reads the ignore files and settings of the folders above it, up to
    the repository's top; a `.git` made in api/ moves the top below them, though no folder
    the walk lists changes."""
    (app / "api" / "v1").mkdir()
    (app / "api" / "main.py").rename(app / "api" / "v1" / "main.py")
    (app / above).write_text(text)
    (app / "empty.toml").write_text("")
    settle(app)
    before = warmed(app, "api/v1", *options)
    (app / "api" / ".git").mkdir()
    changed(app, "api/.git", "api")
    assert replayed("api/v1", *options) is None
    assert recorded_run("api/v1", *options) != before  # what the record would have hidden


def test_a_folder_listed_again_by_the_recording_run_is_an_input(app: Path) -> None:
    """A file made and removed in api/ (an editor's swap file) changes the folder but not
    its files: the recording run lists it again, answers from the cache, and must still
    note the folder, or a file added there later would go unseen."""
    recorded_run(".")
    settle(app)
    (app / "api" / ".main.py.swp").write_text("")
    (app / "api" / ".main.py.swp").unlink()
    changed(app, "api")
    recorded_run(".")
    assert len(records(app / ".corslint_cache")) == 1
    add_a_file(app)
    os.utime(app / "api", (LATER + 1, LATER + 1))  # later than the first change, as time goes
    assert replayed(".") is None


def test_a_large_tree_replays_as_its_cached_run_printed(app: Path) -> None:
    """Above the pool threshold a cold run streams to workers and a cached run stats with
    a helper process: the record holds what those stamped, and a change deep down shows."""
    for package in range(30):
        folder = app / "packages" / f"p{package}"
        folder.mkdir(parents=True)
        for module in range(75):
            (folder / f"m{module}.py").write_text(f"VALUE = {module}\n")
    settle(app)
    warm = warmed(app, ".", "--format", "json")
    assert json.loads(warm[1])["summary"]["files_checked"] == 30 * 75 + 3  # and api/, conf/
    assert replayed(".", "--format", "json") == warm
    (app / "packages" / "p29" / "m74.py").write_text("VALUE = 75\n")  # the same size
    assert replayed(".", "--format", "json") is None
