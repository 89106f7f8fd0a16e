"""An ignore file with negated rules, asked about an entry of a clean folder (no rule
applied to any folder above it): a slash-free rule is tested against the name alone, and
every verdict stays pathspec's."""

from __future__ import annotations

import itertools
from pathlib import Path

import pathspec
import pytest

from corslint.runner.discovery import walk
from corslint.runner.ignore_files import load_ignore_files

RULES = [
    "*.log",
    "build/",
    "/src",
    "docs/*.md",
    "**/tmp/**",
    "a?",
    "!keep.log",
    "static",
    "!app/static",
    "x[0-9].py",
    "!**/.gitkeep",
    "lib/**/gen",
    "!/ab/x1.py",
]
SEGMENTS = [
    "a",
    "ab",
    "src",
    "build",
    "app",
    "static",
    "docs",
    "tmp",
    "lib",
    "gen",
    "x1.py",
    "y.log",
    "keep.log",
]


def test_clean_verdicts_are_pathspec_verdicts(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("\n".join(RULES) + "\n")
    rule = load_ignore_files(str(tmp_path), [".gitignore"], 0, "")
    assert rule is not None and not rule.fast and rule.screened
    spec = pathspec.GitIgnoreSpec.from_lines(RULES)
    checked = 0
    for n in (1, 2, 3, 4):
        for parts in itertools.product(SEGMENTS, repeat=n):
            folders = ["/".join(parts[:i]) + "/" for i in range(1, n)]
            if any(spec.check_file(folder).include is not None for folder in folders):
                continue  # a rule applied above: not a clean folder
            path = "/".join(parts)
            for is_dir in (False, True):
                expected = spec.check_file(path + ("/" if is_dir else "")).include
                assert rule.verdict(path, parts[-1], is_dir, clean=True) == expected, (path, is_dir)
                checked += 1
    assert checked > 2000


def test_a_walk_below_a_re_included_folder_keeps_pathspec_verdicts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`app/static` is re-included (`static`, then `!app/static`): below it no folder is
    clean, and `app/static/static` is kept, as pathspec says (`!app/static` matches every
    path below it); `y.log` in the clean folder `app` is ignored by its name."""
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("static\n!app/static\n*.log\n!keep.log\n")
    for name in (
        "app/static/x.py",
        "app/static/static/x.py",
        "app/static/keep.log/y.py",
        "app/z.py",
        "app/y.log/w.py",
    ):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    monkeypatch.chdir(tmp_path)
    found = sorted(c.display for c in walk([Path(".")], accepts=(".py",)))
    assert found == ["app/static/keep.log/y.py", "app/static/static/x.py", "app/static/x.py", "app/z.py"]
    spec = pathspec.GitIgnoreSpec.from_lines((tmp_path / ".gitignore").read_text().splitlines())
    assert spec.check_file("app/static/static/x.py").include is False
    assert spec.check_file("app/y.log/").include is True
