"""Discovery: which files a run reads, in what order, and what it says about the rest."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pathspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corslint.rules import RULE_IDS
from corslint.runner.discovery import Skipped, walk
from corslint.runner.ignore_files import ignored, load_ignore_files
from corslint.runner.prefilter import SOURCE_NAMES, SOURCE_SUFFIXES
from corslint.runner.run import lint
from corslint.runner.settings import ConfigError, Settings, parse

ACCEPTS = SOURCE_SUFFIXES + SOURCE_NAMES
APP = (
    "from fastapi.middleware.cors import CORSMiddleware\n"
    'app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["*"])\n'
)


def files(root: Path, *, respect_gitignore: bool = True, exclude: tuple[str, ...] = ()) -> list[str]:
    return [c.display for c in walk([root], exclude, ACCEPTS, [], respect_gitignore=respect_gitignore)]


def touch(root: Path, *names: str, text: str = "x = 1\n") -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_gitignore_and_ignore_files_are_honoured(in_tmp: Path) -> None:
    (in_tmp / ".git").mkdir()
    (in_tmp / ".gitignore").write_text("generated/\n*_pb2.py\n/top.py\n")
    (in_tmp / "src").mkdir()
    (in_tmp / "src" / ".ignore").write_text("scratch.py\n")
    touch(
        in_tmp,
        "app.py",
        "top.py",
        "generated/a.py",
        "api_pb2.py",
        "src/top.py",
        "src/scratch.py",
        "src/ok.py",
    )
    assert files(in_tmp) == ["app.py", "src/ok.py", "src/top.py"]
    everything = files(in_tmp, respect_gitignore=False)
    assert {"generated/a.py", "api_pb2.py", "top.py", "src/scratch.py"} <= set(everything)


def test_a_rule_git_cannot_read_is_skipped_and_the_others_hold(in_tmp: Path) -> None:
    # `reqLog.log\` ends in a backslash: pathspec refuses it, git matches nothing with it
    (in_tmp / ".git").mkdir()
    (in_tmp / ".gitignore").write_text("reqLog.log\\\ngenerated/\n!keep_me.py\n")
    touch(in_tmp, "app.py", "generated/a.py", "keep_me.py")
    assert files(in_tmp) == ["app.py", "keep_me.py"]


def test_names_are_whole_names_and_suffixes_are_suffixes(in_tmp: Path) -> None:
    # `_headers` is Netlify's file; `security_headers` or `x._headers` is none
    touch(in_tmp, "_headers", "security_headers", "notes._headers", "vercel.json", "app.py")
    assert files(in_tmp) == ["_headers", "app.py", "vercel.json"]


def test_negation_and_nested_rules(in_tmp: Path) -> None:
    (in_tmp / ".git").mkdir()  # (.gitignore files count inside a repository only)
    (in_tmp / ".gitignore").write_text("*.py\n!keep.py\n")
    (in_tmp / "sub").mkdir()
    (in_tmp / "sub" / ".gitignore").write_text("!sub_keep.py\n")
    touch(in_tmp, "drop.py", "keep.py", "sub/drop.py", "sub/sub_keep.py")
    assert files(in_tmp) == ["keep.py", "sub/sub_keep.py"]


def test_rules_above_the_root_apply_inside_a_repository(in_tmp: Path) -> None:
    (in_tmp / ".git").mkdir()
    (in_tmp / ".gitignore").write_text("pkg/vendored/\n")
    touch(in_tmp, "pkg/app.py", "pkg/vendored/lib.py")
    assert files(in_tmp / "pkg") == ["pkg/app.py"]


def test_rules_above_a_repository_do_not_apply(in_tmp: Path) -> None:
    (in_tmp / ".gitignore").write_text("repo/\n")  # outside the repository below
    (in_tmp / "repo" / ".git").mkdir(parents=True)
    touch(in_tmp, "repo/app.py")
    assert files(in_tmp / "repo") == ["repo/app.py"]


def test_git_info_exclude(in_tmp: Path) -> None:
    (in_tmp / ".git" / "info").mkdir(parents=True)
    (in_tmp / ".git" / "info" / "exclude").write_text("local.py\n")
    touch(in_tmp, "app.py", "local.py")
    assert files(in_tmp) == ["app.py"]


def test_dependencies_virtualenvs_builds_and_bundles_are_skipped(in_tmp: Path) -> None:
    touch(
        in_tmp,
        "app.py",
        "node_modules/cors/index.js",
        ".venv/lib/x.py",
        "env/lib/site.py",
        "dist/server.js",
        "build/lib/app.py",
        "static/app.min.js",
        "static/vendor.bundle.js",
        "static/app.js",
        "pkg.egg-info/x.py",
        ".wrangler/tmp/dev-3KzTf1/worker.js",  # copies of the project's own files, made by
        ".vercel/output/functions/api.func/index.js",  # deployment tools: every finding twice
        ".serverless/handler.js",
        ".history/server_20250101120000.js",  # an editor's saved versions of server.js
    )
    (in_tmp / "env" / "pyvenv.cfg").write_text("home = /usr\n")  # a virtualenv by any name
    assert files(in_tmp, respect_gitignore=False) == ["app.py", "static/app.js"]


def test_explicit_paths_are_read_even_when_ignored(in_tmp: Path) -> None:
    (in_tmp / ".gitignore").write_text("ignored.py\n")
    touch(in_tmp, "ignored.py")
    assert [c.display for c in walk([Path("ignored.py")], (), ACCEPTS)] == ["ignored.py"]


def test_excludes_match_trailing_parts(in_tmp: Path) -> None:
    touch(in_tmp, "app.py", "tests/test_app.py", "deep/migrations/0001.py")
    assert files(in_tmp, exclude=("tests", "migrations/*.py")) == ["app.py"]


def test_symlinks_loops_and_duplicates(in_tmp: Path) -> None:
    """Links inside the tree are read where their targets are; links that lead out of it
    (a folder, a file), to nothing or to a special file are not followed, and each is a
    note: as in ruff, a walk never leaves the paths it was given (`ln -s / rootlink`
    would lint the machine and print its files into a CI log)."""
    touch(in_tmp, "pkg/app.py")
    os.symlink(in_tmp / "pkg", in_tmp / "pkg" / "again")  # a loop
    os.symlink(in_tmp / "pkg" / "app.py", in_tmp / "alias.py")  # points into the tree
    outside = in_tmp.parent / f"{in_tmp.name}-outside"
    touch(outside, "shared.py")
    os.symlink(outside, in_tmp / "linked")  # a folder out of the tree
    os.symlink(outside / "shared.py", in_tmp / "shared.py")  # a file out of the tree
    os.symlink(in_tmp / "nowhere.py", in_tmp / "dangling.py")
    os.symlink("/", in_tmp / "rootlink")
    os.symlink(os.devnull, in_tmp / "null.py")
    notes: list[Skipped] = []
    found = [c.display for c in walk([in_tmp], (), ACCEPTS, notes)]
    assert found == ["pkg/app.py"]
    assert sorted((note.path, note.reason) for note in notes) == [
        ("dangling.py", "a symbolic link to nothing; not read"),
        ("linked", "a symbolic link to a folder outside the paths being linted; not followed"),
        ("null.py", "a symbolic link to a special file (not a regular file); not read"),
        ("rootlink", "a symbolic link to a folder outside the paths being linted; not followed"),
        ("shared.py", "a symbolic link to a file outside the paths being linted; not followed"),
    ]
    assert [c.file for c in walk([in_tmp / "linked"], (), ACCEPTS)] == [str(in_tmp / "linked" / "shared.py")]


def test_overlapping_roots_read_each_file_once(in_tmp: Path) -> None:
    touch(in_tmp, "src/app.py", "src/inner/x.py")
    found = [
        c.display for c in walk([Path("src"), Path("src/inner"), Path("src/app.py"), Path(".")], (), ACCEPTS)
    ]
    assert sorted(found) == ["src/app.py", "src/inner/x.py"]


def test_missing_and_unreadable_paths_are_stated(in_tmp: Path) -> None:
    notes: list[Skipped] = []
    list(walk([Path("missing")], (), ACCEPTS, notes))
    assert notes == [Skipped("missing", "no such file or directory", missing=True)]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_named_paths_that_are_neither_file_nor_folder(in_tmp: Path) -> None:
    """A link to nothing is as missing as a misspelt path (CORS001 in a run); a FIFO or a
    device exists, holds nothing to lint, and is a note."""
    os.symlink(in_tmp / "gone", in_tmp / "dangling")
    os.mkfifo(in_tmp / "pipe")
    notes: list[Skipped] = []
    list(walk([Path("dangling"), Path("pipe"), Path(os.devnull)], (), ACCEPTS, notes))
    assert notes == [
        Skipped("dangling", "a symbolic link to nothing", missing=True),
        Skipped("pipe", "not a regular file or folder; not read"),
        Skipped(os.devnull, "not a regular file or folder; not read"),
    ]


def test_order_is_deterministic_whatever_the_parallelism(in_tmp: Path) -> None:
    for index in range(60):
        touch(in_tmp, f"p{index % 4}/m{index}.py", text=APP if index % 3 == 0 else "x = 1\n")
    serial = lint([Path(".")], Settings(), jobs=1)
    parallel = lint([Path(".")], Settings(), jobs=2)
    isolated = lint([Path(".")], Settings(), isolate=True)
    assert serial.findings == parallel.findings == isolated.findings
    assert serial.policies == parallel.policies == isolated.policies
    assert [c.display for c in walk([in_tmp], (), ACCEPTS)] == [
        c.display for c in walk([in_tmp], (), ACCEPTS)
    ]


def test_settings_keys_and_command_line_options(in_tmp: Path) -> None:
    good = parse({"respect-gitignore": False, "max-file-size": 1000, "cache": False}, "x.toml", "", RULE_IDS)
    assert (good.respect_gitignore, good.max_file_size, good.cache, good.problems) == (False, 1000, False, ())
    with pytest.raises(ConfigError) as invalid:  # values that cannot be used: exit 2, as ruff
        parse({"respect-gitignore": "no", "max-file-size": -1, "cache": 1}, "x.toml", "", RULE_IDS)
    assert str(invalid.value).splitlines() == [
        "x.toml:1: `max-file-size` must be a positive number of bytes",
        "x.toml:1: `respect-gitignore` must be true or false",
        "x.toml:1: `cache` must be true or false",
    ]
    unknown = parse({"respect-gitignore": False, "ignore": ["CORS15"]}, "x.toml", "", RULE_IDS)
    assert [p.message for p in unknown.problems] == [  # what a run can go on without: CORS002
        "`ignore` names `CORS15`, which is not a corslint rule id or prefix (did you mean `CORS105`?)"
    ]
    (in_tmp / ".git").mkdir()
    (in_tmp / ".gitignore").write_text("app.py\n")
    touch(in_tmp, "app.py", text=APP)

    def run(*options: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "corslint", ".", "--no-cache", *options],
            capture_output=True,
            text=True,
            cwd=in_tmp,
        )

    assert run().returncode == 0
    assert run("--no-respect-gitignore").returncode == 1
    small = run("--no-respect-gitignore", "--max-file-size", "20")
    assert "CORS001" in small.stdout and "max-file-size" in small.stdout


# -- the fast ignore matcher agrees with pathspec --------------------------------------
SEGMENTS = ["a", "b", "src", "build", "x.py", "y.log", "keep.py", "tmp", "node_modules", "docs", "a.md", "ab"]
RULES = [
    "*.log", "build/", "/src", "docs/*.md", "**/tmp/**", "a?", "x.py", "node_modules", "a/**/b",
    "src/x.py", "[ab]", "!keep.py", "*.py", "!x.py", "b/", "/a/b",
]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(
    rules=st.lists(st.sampled_from(RULES), min_size=1, max_size=6),
    path=st.lists(st.sampled_from(SEGMENTS), min_size=1, max_size=4),
)
def test_ignore_matching_agrees_with_pathspec(
    tmp_path_factory: pytest.TempPathFactory, rules: list[str], path: list[str]
) -> None:
    folder = tmp_path_factory.mktemp("rules")
    (folder / ".gitignore").write_text("\n".join(rules) + "\n")
    rule = load_ignore_files(str(folder), [".gitignore"], 0, "")
    spec = pathspec.GitIgnoreSpec.from_lines(rules)
    # what git does: a path is ignored when a parent folder is, else by its own verdict
    expected = False
    for depth in range(1, len(path)):
        if spec.match_file("/".join(path[:depth]) + "/"):
            expected = True
            break
    else:
        expected = spec.match_file("/".join(path))
    walked = False
    for depth in range(1, len(path)):
        if rule is not None and ignored([rule], "/".join(path[:depth]), path[depth - 1], True):
            walked = True
            break
    else:
        walked = rule is not None and ignored([rule], "/".join(path), path[-1], False)
    assert walked == expected
