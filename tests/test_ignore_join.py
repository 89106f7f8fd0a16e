"""An ignore file with negated rules answers through one joined search of all its rules
once it has decided enough paths (`_JOIN_AFTER`): every verdict stays pathspec's."""

from __future__ import annotations

import itertools
from pathlib import Path

import pathspec

from corslint.runner.ignore_files import _JOIN_AFTER, load_ignore_files

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
    assert len(paths) > 10 * _JOIN_AFTER
    for path in paths:
        for is_dir in (False, True):
            expected = spec.check_file(path + ("/" if is_dir else "")).include
            assert rule.verdict(path, path.rpartition("/")[2], is_dir) == expected, (path, is_dir)
    assert rule.any_rule[1] is not None  # the joined search did answer
