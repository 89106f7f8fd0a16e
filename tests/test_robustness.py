"""Bad input never ends a run: each bad file is a CORS001 diagnostic or a stated skip,
the other files are still judged, and the exit code says a file went unread."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from corslint.engine import exit_code
from corslint.extractors import Extractor
from corslint.runner.result import RunResult
from corslint.runner.run import lint
from corslint.runner.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
APP = (
    "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n\n"
    'app = FastAPI()\napp.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["*"])\n'
)
EXPRESS = "const cors = require('cors');\napp.use(cors({ origin: '*' }));\n"


def cors001(result: RunResult) -> dict[str, str]:
    return {f.location.path: f.message for f in result.findings if f.rule_id == "CORS001"}


def skipped(result: RunResult) -> dict[str, str]:
    return {s.path: s.reason for s in result.skipped}


def good_app_still_judged(result: RunResult) -> bool:
    return any(f.rule_id == "CORS105" and f.location.path == "app.py" for f in result.findings)


def write_bad_inputs(root: Path) -> dict[str, str]:
    """Every kind of bad input the issue names; returns path -> what the report must say."""
    expect: dict[str, str] = {}

    def put(name: str, data: bytes | str, says: str) -> None:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        expect[name] = says

    put(
        "py_syntax.py",
        "from starlette.middleware.cors import CORSMiddleware\ndef broken(:\n",
        "invalid Python",
    )
    put("js_syntax.js", "const cors = require('cors');\napp.use(cors({ origin: [ }));\n", "")
    put("ts_syntax.ts", "import cors from 'cors';\nconst x: = cors({ origin: '*' );\n", "")
    put("cors.json", '{"cors": {"origin": ["https://a.example",]', "JSON")
    put("cors.yaml", "cors:\n  origin: [https://a.example\n  credentials: true\n", "YAML")
    put("cors.toml", '[cors]\norigin = "https://a.example\ncredentials = true\n', "TOML")
    put("binary.py", b"CORSMiddleware\x00\x01\x02\xff\xfe" * 100, "binary file")
    put("latin1.py", "# caf\xe9\nCORSMiddleware = 1\n".encode("latin-1"), "not valid UTF-8")
    put("bad_utf16.py", b"\xff\xfe" + "CORSMiddleware".encode("utf-16-le") + b"\x00\xd8", "UTF-16")
    depth = 10_000
    # CPython's parser refuses more than 200 nested parentheses: a syntax error, reported
    put(
        "deep.py",
        "from starlette.middleware.cors import CORSMiddleware\nx = " + "(" * depth + "1" + ")" * depth + "\n",
        "",
    )
    put("deep.js", "const cors = require('cors');\nconst x = " + "[" * depth + "]" * depth + ";\n", "")
    put("deep/cors.json", '{"cors": ' + "[" * depth + "]" * depth + "}", "")
    bomb = "cors:\n  a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for level in "bcdefghij":
        previous = chr(ord(level) - 1)
        bomb += f"  {level}: &{level} [*{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}]\n"
    put("bomb/cors.yaml", bomb, "")
    put("unsafe/cors.yaml", "cors: !!python/object/apply:os.system ['touch PWNED']\n", "")
    put("dupes/cors.json", '{"cors": {"origin": "https://a.example", "origin": "*"}}', "")
    put("dupes/cors.toml", '[cors]\norigin = "https://a.example"\norigin = "*"\n', "TOML")
    put(
        "min/bundle.js",
        "var cors=require('cors');" + "function f(a){return a+1};" * 40_000 + "app.use(cors());",
        "",
    )
    put("with space/ünïcødé app.py", APP.replace("app = FastAPI()", "api = FastAPI()"), "")
    return expect


def test_bad_input_suite(in_tmp: Path) -> None:
    expect = write_bad_inputs(in_tmp)
    (in_tmp / "app.py").write_text(APP)
    os.symlink(in_tmp, in_tmp / "loop")  # a symlink loop
    os.symlink(in_tmp / "missing", in_tmp / "dangling.py")
    result = lint([in_tmp], Settings(), isolate=True)  # as the command line runs
    diagnostics, notes = cors001(result), skipped(result)
    for name, says in expect.items():
        if says:
            assert name in diagnostics, (name, diagnostics)
            assert says.lower() in diagnostics[name].lower(), (name, diagnostics[name])
    assert "deep.py" in diagnostics
    # everything else may be read fine or reported; it must not vanish into a traceback
    assert not any("internal error" in message for message in diagnostics.values()), diagnostics
    assert good_app_still_judged(result)
    assert any(f.location.path == "with space/ünïcødé app.py" for f in result.findings)
    assert not (in_tmp / "PWNED").exists()
    assert exit_code(result.findings, Settings().fail_level) == 1
    assert all("loop" not in path for path in diagnostics) and "loop" not in notes


def test_a_huge_file_is_searched_not_parsed(in_tmp: Path) -> None:
    size = 50 * 1024 * 1024
    with open(in_tmp / "huge_plain.py", "wb") as handle:
        handle.write(b"x = 1\n" * (size // 6))
    with open(in_tmp / "huge_cors.py", "wb") as handle:
        handle.write(b"x = 1\n" * (size // 6) + b"from starlette.middleware.cors import CORSMiddleware\n")
    (in_tmp / "app.py").write_text(APP)
    result = lint([in_tmp], Settings())
    assert "huge_plain.py" in skipped(result)
    assert "max-file-size" in skipped(result)["huge_plain.py"]
    assert "huge_plain.py" not in cors001(result)
    # a file that may hold CORS configuration and was not analysed keeps the run red
    assert "mentions CORS" in cors001(result)["huge_cors.py"]
    assert good_app_still_judged(result)


def test_max_file_size_is_configurable(in_tmp: Path) -> None:
    (in_tmp / "app.py").write_text(APP)
    result = lint([in_tmp], Settings(max_file_size=50))
    assert "app.py" in cors001(result) and not good_app_still_judged(result)
    assert good_app_still_judged(lint([in_tmp], Settings(max_file_size=10_000)))


@pytest.mark.skipif(os.geteuid() == 0, reason="permissions do not bind root")
def test_unreadable_files_and_folders(in_tmp: Path) -> None:
    (in_tmp / "app.py").write_text(APP)
    (in_tmp / "secret.py").write_text(APP)
    (in_tmp / "locked").mkdir()
    (in_tmp / "locked" / "inner.py").write_text(APP)
    os.chmod(in_tmp / "secret.py", 0)
    os.chmod(in_tmp / "locked", 0)
    try:
        result = lint([in_tmp], Settings())
    finally:
        os.chmod(in_tmp / "secret.py", 0o644)
        os.chmod(in_tmp / "locked", 0o755)
    assert "cannot read file" in cors001(result)["secret.py"]
    assert "cannot read directory" in skipped(result)["locked"]
    assert good_app_still_judged(result)


def test_unreadable_files_and_folders_simulated(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same promise where the suite runs as root: the OS errors are injected."""
    (in_tmp / "app.py").write_text(APP)
    (in_tmp / "secret.py").write_text(APP)
    (in_tmp / "locked").mkdir()
    (in_tmp / "locked" / "inner.py").write_text(APP)
    real_open, real_os_open, real_scandir = open, os.open, os.scandir

    def guarded_open(file, *args, **kwargs):  # type: ignore[no-untyped-def]
        if str(file).endswith("secret.py"):
            raise PermissionError(13, "Permission denied")
        return real_open(file, *args, **kwargs)

    def guarded_os_open(file, *args, **kwargs):  # type: ignore[no-untyped-def]
        if str(file).endswith("secret.py"):
            raise PermissionError(13, "Permission denied")
        return real_os_open(file, *args, **kwargs)

    def guarded_scandir(path="."):  # type: ignore[no-untyped-def]
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr("builtins.open", guarded_open)
    monkeypatch.setattr(os, "open", guarded_os_open)
    monkeypatch.setattr(os, "scandir", guarded_scandir)
    result = lint([in_tmp], Settings())
    assert cors001(result)["secret.py"] == "cannot read file: Permission denied"
    assert skipped(result)["locked"] == "cannot read directory: Permission denied"
    assert good_app_still_judged(result)
    assert exit_code(result.findings, Settings().fail_level) == 1


def test_special_files_are_not_read(in_tmp: Path) -> None:
    os.mkfifo(in_tmp / "pipe.py")  # opening a FIFO would block the run forever
    (in_tmp / "app.py").write_text(APP)
    result = lint([in_tmp], Settings())
    assert good_app_still_judged(result) and "pipe.py" not in cors001(result)


# -- a parser that crashes or hangs ------------------------------------------------------
def _misbehaving_load(behaviour: str):  # type: ignore[no-untyped-def]
    original = Extractor.load

    def load(self: Extractor):  # type: ignore[no-untyped-def]
        extract = original(self)

        def wrapper(path: str, text: str, context: object):  # type: ignore[no-untyped-def]
            if "poison" in path:
                if behaviour == "crash":
                    os.kill(os.getpid(), signal.SIGSEGV)
                time.sleep(3600)
            return extract(path, text, context)  # type: ignore[arg-type]

        return wrapper

    return load


@pytest.fixture
def fault_log(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Path]:
    """Where a forked worker's faulthandler writes while the test runs: pytest points it
    at the terminal's own stderr, which no capture covers, so the intended crash printed
    `Fatal Python error: Segmentation fault` and a stack into every CI log. Put back as
    pytest had it afterwards."""
    import faulthandler

    log = tmp_path / "faulthandler.log"
    was_enabled = faulthandler.is_enabled()
    with log.open("w") as handle:
        faulthandler.enable(file=handle)
        try:
            yield log
        finally:
            faulthandler.disable()
            if was_enabled:
                faulthandler.enable(file=_pytest_fault_stream(request.config))


def _pytest_fault_stream(config: pytest.Config) -> Any:
    """The stream pytest's faulthandler plugin writes to (a copy of the original stderr)."""
    try:
        from _pytest.faulthandler import fault_handler_stderr_fd_key

        return config.stash[fault_handler_stderr_fd_key]
    except (ImportError, KeyError):  # another pytest: the process's stderr will do
        return sys.__stderr__


@pytest.mark.parametrize("behaviour", ["crash", "hang"])
@pytest.mark.parametrize("jobs", [None, 2])
def test_a_parser_crash_or_hang_costs_one_file(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch, behaviour: str, jobs: int | None, fault_log: Path
) -> None:
    if "fork" not in __import__("multiprocessing").get_all_start_methods():
        pytest.skip("the injected fault reaches workers only when they are forked")
    (in_tmp / "app.py").write_text(APP)
    (in_tmp / "poison.py").write_text(APP)
    (in_tmp / "zz_after.py").write_text(APP.replace('["*"], allow_methods', '["null"], allow_methods'))
    monkeypatch.setattr(Extractor, "load", _misbehaving_load(behaviour))
    started = time.monotonic()
    result = lint([in_tmp], Settings(), isolate=True, jobs=jobs, timeout=2.0)
    assert time.monotonic() - started < 60
    crash_report = fault_log.read_text()
    if behaviour == "crash":  # the worker's own report of the crash, kept out of the log
        assert "Fatal Python error: Segmentation fault" in crash_report
    else:
        assert "Fatal Python error" not in crash_report
    message = cors001(result)["poison.py"]
    assert (
        ("crashed" in message and "SIGSEGV" in message)
        if behaviour == "crash"
        else "did not finish" in message
    )
    assert good_app_still_judged(result)
    assert any(f.location.path == "zz_after.py" and f.rule_id == "CORS102" for f in result.findings)
    assert exit_code(result.findings, Settings().fail_level) == 1


def test_whole_tree_run_has_no_traceback(tmp_path: Path) -> None:
    """The repository itself, every fixture included (test code is read, though its 1xx/2xx
    findings are dropped), through the command line."""
    run = subprocess.run(
        [sys.executable, "-m", "corslint", str(ROOT), "--no-cache", "--format", "json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=600,
    )
    assert run.returncode in (0, 1), run.stderr
    assert "Traceback" not in run.stderr and "internal error" not in run.stdout, run.stderr[-2000:]
    read = json.loads(run.stdout)["summary"]["files_checked"]
    assert read > len(list((ROOT / "tests" / "fixtures").rglob("*.py")))  # the fixtures were read


def test_cli_exit_code_is_honest_about_unread_files(in_tmp: Path) -> None:
    (in_tmp / "clean.py").write_text("print('hello')\n")
    (in_tmp / "binary.py").write_bytes(b"CORSMiddleware\x00\xff")
    run = subprocess.run(
        [sys.executable, "-m", "corslint", ".", "--no-cache"], capture_output=True, text=True, cwd=in_tmp
    )
    assert run.returncode == 1 and "CORS001" in run.stdout


def _dies_at_once(*arguments: object) -> None:
    os._exit(3)


@pytest.mark.parametrize("cached", [False, True])
def test_workers_that_cannot_work_leave_the_reading_to_this_process(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch, cached: bool
) -> None:
    """A machine that will not run worker processes (a process limit, memory) costs the
    isolation, not the run: no file is blamed for it, and every file is read."""
    import corslint.runner.workers
    from corslint.runner.run import POOL_THRESHOLD

    for index in range(POOL_THRESHOLD + 10):
        (in_tmp / f"m{index}.py").write_text("VALUE = 1\n")
    (in_tmp / "main.py").write_text(
        "from fastapi.middleware.cors import CORSMiddleware\n"
        'app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["*"])\n'
    )
    expected = lint([in_tmp], Settings(), jobs=1)
    assert [f.rule_id for f in expected.findings] == ["CORS105"]
    monkeypatch.setattr(corslint.runner.workers, "_worker", _dies_at_once)
    cache = in_tmp / ".cache" if cached else None
    for isolate in (False, True):
        result = lint([in_tmp], Settings(), jobs=2, isolate=isolate, cache_dir=cache)
        assert result.findings == expected.findings
        assert result.stats.files_seen == expected.stats.files_seen


HOSTILE_NAME = "a\n::error file=ok.py,line=1::x\n::stop-commands::y.py"
HOSTILE_LINE = (
    'app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["*"])  # \x1b[2K\x1b[1A\u202e'
)


@pytest.mark.parametrize("output_format", ["text", "github", "statistics", "show-files"])
def test_names_and_source_lines_cannot_inject_into_a_log_or_a_terminal(
    in_tmp: Path, output_format: str
) -> None:
    """A file named `a\\n::error file=ok.py,line=1::x\\n::stop-commands::y.py` put workflow
    commands on lines of their own in a GitHub Actions log, and ESC sequences in a name or
    a snippet erased lines in a terminal. Every human-readable format escapes them."""
    (in_tmp / HOSTILE_NAME).write_text(APP.replace(APP.splitlines()[-1], HOSTILE_LINE))
    (in_tmp / "big\x1b[2J.py").write_text("x = 1\n" * 100)  # skipped, and named on stderr
    arguments = {
        "text": [],
        "github": ["--format", "github"],
        "statistics": ["--statistics"],
        "show-files": ["--show-files"],
    }[output_format]
    run = subprocess.run(
        [sys.executable, "-m", "corslint", ".", "--no-cache", "--max-file-size", "500", *arguments],
        capture_output=True,
        text=True,
        cwd=in_tmp,
    )
    assert run.returncode in (0, 1), run.stderr
    for stream in (run.stdout, run.stderr):
        assert "\x1b" not in stream and "\u202e" not in stream
        lines = stream.splitlines()
        assert not [line for line in lines if line.startswith("::") and output_format != "github"]
        assert not [line for line in lines if line.startswith(("::stop-commands", "::error file=ok.py"))]
    if output_format == "github":
        assert len(run.stdout.splitlines()) == 1  # one finding, one annotation
        assert "file=a%0A%3A%3Aerror file=ok.py" in run.stdout
    if output_format in ("text", "show-files"):
        assert "a\\n::error file=ok.py,line=1::x\\n::stop-commands::y.py" in run.stdout
    if output_format == "text":
        assert "\\x1b[2K\\x1b[1A\\u202e" in run.stdout and "big\\x1b[2J.py" in run.stderr
