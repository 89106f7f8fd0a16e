"""Ignore files as git and ripgrep apply them (issue 14): `.gitignore` only inside a git
repository, and there never for a file git tracks; `.ignore` everywhere.

Real repositories (`git init`, `git add -f`) in temporary folders: skipped without git.
The file lists are compared with `rg --files` where ripgrep is installed."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from corslint.runner.discovery import SKIPPED_DIRECTORIES, Skipped, walk
from corslint.runner.run import lint
from corslint.runner.settings import Settings

GIT = shutil.which("git")
RG = shutil.which("rg")
needs_git = pytest.mark.skipif(GIT is None, reason="git is not installed")
PAST = 1_600_000_000  # an mtime outside the racy window
APP = (
    "from fastapi.middleware.cors import CORSMiddleware\n"
    'app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["*"])\n'
)


def git(root: Path, *arguments: str) -> None:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    environment.update(
        GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t", GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@t"
    )
    subprocess.run(["git", "-C", str(root), *arguments], check=True, capture_output=True, env=environment)


def write(root: Path, *names: str, text: str = "x = 1\n") -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        os.utime(path, (PAST, PAST))


def _settled(root: Path, *folders: str) -> None:
    """Times outside the racy window for the folders and git's files (a cache trusts them)."""
    for path in (
        root,
        *(root / f for f in folders),
        root / ".git" / "index",
        root / ".git" / "info" / "exclude",
    ):
        os.utime(path, (PAST, PAST))


def files(root: Path, skipped: list[Skipped] | None = None) -> list[str]:
    return sorted(c.display for c in walk([root], (), None, skipped))


def _project(root: Path) -> None:
    """A project whose .gitignore names files it also commits (an export keeps them)."""
    (root / ".gitignore").write_text("server.js\nconf/\nlib/*.js\n")
    (root / ".ignore").write_text("scratch.js\n")
    write(root, "server.js", "app.js", "scratch.js", "conf/a.js", "conf/sub/b.js", "lib/c.js", "lib/d.js")


def test_an_export_keeps_the_files_its_gitignore_names(in_tmp: Path) -> None:
    """No `.git`: a `git archive` export, where ripgrep reads what .gitignore names."""
    _project(in_tmp)
    assert files(Path(".")) == [
        ".gitignore",
        ".ignore",
        "app.js",
        "conf/a.js",
        "conf/sub/b.js",
        "lib/c.js",
        "lib/d.js",
        "server.js",
    ]  # (scratch.js: .ignore counts everywhere)


def test_an_empty_git_folder_makes_a_repository_whose_rules_count(in_tmp: Path) -> None:
    """A `.git` folder or file, as ripgrep tells a repository; no index: nothing is tracked
    (and git is not asked)."""
    _project(in_tmp)
    (in_tmp / ".git").mkdir()
    skipped: list[Skipped] = []
    assert files(Path("."), skipped) == [".gitignore", ".ignore", "app.js"]
    assert skipped == []
    (in_tmp / ".git").rmdir()
    (in_tmp / ".git").write_text("gitdir: elsewhere\n")
    assert files(Path(".")) == [".git", ".gitignore", ".ignore", "app.js"]


@needs_git
def test_tracked_files_are_read_whatever_gitignore_says(in_tmp: Path) -> None:
    _project(in_tmp)
    git(in_tmp, "init", "-q")
    assert files(Path(".")) == [".gitignore", ".ignore", "app.js"]
    git(in_tmp, "add", "-f", "server.js", "conf/sub/b.js", "lib/c.js", "scratch.js")
    # conf/ is ignored: below it only the tracked file; `.ignore` still hides scratch.js
    assert files(Path(".")) == [".gitignore", ".ignore", "app.js", "conf/sub/b.js", "lib/c.js", "server.js"]
    assert files(Path("conf/sub")) == ["conf/sub/b.js"]
    os.chdir("lib")
    assert files(Path("..")) == [
        "../.gitignore",
        "../.ignore",
        "../app.js",
        "../conf/sub/b.js",
        "../lib/c.js",
        "../server.js",
    ]
    assert files(Path(".")) == ["c.js"]  # a walk below the top asks about its own part


@needs_git
def test_an_inner_repository_is_not_ruled_by_the_outer_gitignore(in_tmp: Path) -> None:
    (in_tmp / ".gitignore").write_text("*.py\n")
    write(in_tmp, "a.py", "inner/b.py", "inner/c.js", "outside/d.py")
    git(in_tmp, "init", "-q")
    git(in_tmp / "inner", "init", "-q")
    (in_tmp / "inner" / ".gitignore").write_text("*.js\n")
    (in_tmp / "inner" / ".ignore").write_text("nothing\n")
    assert files(Path(".")) == [".gitignore", "inner/.gitignore", "inner/.ignore", "inner/b.py"]
    assert files(Path("inner")) == ["inner/.gitignore", "inner/.ignore", "inner/b.py"]


@needs_git
def test_git_info_exclude_counts_and_tracked_files_escape_it(in_tmp: Path) -> None:
    write(in_tmp, "local.py", "app.py")
    git(in_tmp, "init", "-q")
    (in_tmp / ".git" / "info").mkdir(exist_ok=True)
    (in_tmp / ".git" / "info" / "exclude").write_text("*.py\n")
    assert files(Path(".")) == []
    git(in_tmp, "add", "-f", "app.py")
    assert files(Path(".")) == ["app.py"]


@needs_git
def test_without_git_the_rules_decide_and_the_run_says_so(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _project(in_tmp)
    git(in_tmp, "init", "-q")
    git(in_tmp, "add", "-f", "server.js")
    monkeypatch.setenv("PATH", str(in_tmp / "no-such-folder"))
    skipped: list[Skipped] = []
    assert files(Path("."), skipped) == [".gitignore", ".ignore", "app.js"]
    assert len(skipped) == 1 and "git is not installed" in skipped[0].reason
    assert skipped[0].path in {"server.js", "conf", "lib/c.js"}


@needs_git
def test_git_runs_nothing_the_repository_names(in_tmp: Path) -> None:
    """A repository's config can name a command (core.fsmonitor): git is told not to run it."""
    _project(in_tmp)
    git(in_tmp, "init", "-q")
    git(in_tmp, "add", "-f", "server.js")
    marker = in_tmp.parent / f"{in_tmp.name}-ran"
    hook = in_tmp / "monitor.sh"
    hook.write_text(f"#!/bin/sh\ntouch {marker}\n")
    hook.chmod(0o755)
    git(in_tmp, "config", "core.fsmonitor", str(hook))
    assert "server.js" in files(Path("."))
    assert not marker.exists()


@needs_git
def test_the_cache_sees_git_add_and_git_rm(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A warm run after `git add -f` reads the file it skipped; after `git rm --cached`, not."""
    cache = in_tmp.parent / f"{in_tmp.name}-cache"
    write(in_tmp, ".gitignore", text="app.py\n")
    write(in_tmp, "app.py", text=APP)
    write(in_tmp, "other.py")
    git(in_tmp, "init", "-q")
    git(in_tmp, "add", "other.py", ".gitignore")
    _settled(in_tmp)

    def run() -> list[str]:
        return sorted(f.location.path for f in lint([Path(".")], Settings(), cache_dir=cache).findings)

    assert run() == [] and run() == []
    git(in_tmp, "add", "-f", "app.py")
    os.utime(in_tmp / ".git" / "index", (PAST + 10, PAST + 10))
    assert run() == ["app.py"]
    assert run() == ["app.py"]  # (remembered with the index as it now is)
    git(in_tmp, "rm", "-q", "--cached", "app.py")
    os.utime(in_tmp / ".git" / "index", (PAST + 20, PAST + 20))
    assert run() == []


@needs_git
def test_a_warm_run_lists_nothing_again_while_the_index_holds(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = in_tmp.parent / f"{in_tmp.name}-cache"
    write(in_tmp, ".gitignore", text="gen.py\n")
    write(in_tmp, "gen.py", "sub/gen.py", "sub/app.py", text=APP)
    git(in_tmp, "init", "-q")
    git(in_tmp, "add", "-f", "sub/gen.py")
    _settled(in_tmp, "sub")
    first = lint([Path(".")], Settings(), cache_dir=cache)
    listed: list[str] = []
    original = os.scandir

    def scandir(path: str) -> object:
        if not os.path.isabs(path):
            listed.append(str(path))
        return original(path)

    monkeypatch.setattr(os, "scandir", scandir)
    again = lint([Path(".")], Settings(), cache_dir=cache)
    assert sorted(f.location.path for f in again.findings) == sorted(f.location.path for f in first.findings)
    assert {"sub/gen.py", "sub/app.py"} <= {f.location.path for f in again.findings}
    assert listed == []


# -- the same files as ripgrep ------------------------------------------------------------
def _rg_files(root: Path, *paths: str) -> list[str]:
    done = subprocess.run(
        [str(RG), "--files", "--hidden", "-g", "!.git", *paths],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    kept = []
    for line in done.stdout.splitlines():
        parts = line.removeprefix("./").split("/")
        if not any(part in SKIPPED_DIRECTORIES for part in parts[:-1]):
            kept.append("/".join(parts))
    return sorted(kept)


def _mixed_tree(root: Path) -> None:
    (root / ".gitignore").write_text("*.log\n/build-out/\nsecret.py\n!keep/secret.py\ntmp*\n")
    (root / "pkg").mkdir()
    (root / "pkg" / ".gitignore").write_text("generated/\n*.pyc\n!important.pyc\n")
    (root / "pkg" / ".ignore").write_text("local_only.py\n")
    write(
        root,
        "app.py",
        "secret.py",
        "keep/secret.py",
        "x.log",
        "build-out/a.js",
        "src/build-out/b.js",
        "tmpfile.py",
        "pkg/generated/c.py",
        "pkg/d.pyc",
        "pkg/important.pyc",
        "pkg/local_only.py",
        "pkg/sub/secret.py",
        "pkg/sub/e.py",
    )


@pytest.mark.skipif(RG is None, reason="ripgrep is not installed")
@pytest.mark.parametrize("repository", [False, True])
def test_the_walk_lists_what_ripgrep_lists(in_tmp: Path, repository: bool) -> None:
    _mixed_tree(in_tmp)
    if repository:
        if GIT is None:
            pytest.skip("git is not installed")
        git(in_tmp, "init", "-q")
        git(in_tmp, "add", ".")  # what git does not ignore: ripgrep and git agree then
    assert files(Path(".")) == _rg_files(in_tmp)
    assert files(Path("pkg")) == _rg_files(in_tmp, "pkg")  # the rules above a walked folder
    if repository:
        assert "pkg/local_only.py" not in files(Path("."))
    else:
        assert {"secret.py", "pkg/generated/c.py", "x.log"} <= set(files(Path(".")))


def test_an_export_whose_gitignore_names_its_server_is_not_called_clean(in_tmp: Path) -> None:
    """Issue 14 as the blind sets met it: the only CORS code sits in a file .gitignore names."""
    (in_tmp / ".gitignore").write_text("node_modules\n.env\nserver.py\n")
    write(in_tmp, "server.py", text=APP)
    write(in_tmp, "util.py")
    assert [f.location.path for f in lint([Path(".")], Settings()).findings] == ["server.py"]
