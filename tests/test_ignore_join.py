"""An ignore file with negated rules answers through one joined search of all its rules,
and asks pathspec (compiled then) only about a path one of them matches: every verdict
stays pathspec's."""

from __future__ import annotations

import itertools
from pathlib import Path

import pathspec

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
]
SEGMENTS = ["a", "ab", "src", "build", "app", "static", "docs", "tmp", "x1.py", "y.log", "keep.log", "r.md"]


def test_joined_rules_give_pathspec_verdicts(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("\n".join(RULES) + "\n")
    rule = load_ignore_files(str(tmp_path), [".gitignore"], 0, "")
    assert rule is not None and not rule.fast
    spec = pathspec.GitIgnoreSpec.from_lines(RULES)
    paths = ["/".join(p) for n in (1, 2, 3) for p in itertools.product(SEGMENTS, repeat=n)]
    assert len(paths) > 500
    for path in paths:
        for is_dir in (False, True):
            expected = spec.check_file(path + ("/" if is_dir else "")).include
            assert rule.verdict(path, path.rpartition("/")[2], is_dir) == expected, (path, is_dir)
    assert rule.any_rule is not None  # the joined search did answer


def test_pathspec_is_compiled_only_for_a_path_a_rule_matches(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("\n".join(RULES) + "\n")
    rule = load_ignore_files(str(tmp_path), [".gitignore"], 0, "")
    assert rule is not None and not rule.fast
    for path in ("app/main.py", "lib/util.py", "README"):
        assert rule.verdict(path, path.rpartition("/")[2], False) is None
    assert not rule._spec  # tracked files that no rule names: pathspec never compiled
    assert rule.verdict("app/y.log", "y.log", False) is True
    assert rule.verdict("app/keep.log", "keep.log", False) is False
    assert rule._spec
