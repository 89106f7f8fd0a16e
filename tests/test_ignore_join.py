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


FAST_RULES = [
    "node_modules/",
    "dist",
    ".env",
    ".env.*",
    "*.log",
    "npm-debug.log*",
    "/coverage",
    "storage/exports",
    "docs/*.md",
    "**/tmp/**",
    "a?",
    "x[0-9].py",
    "build/",
    "/out/",
]


def test_factored_rules_match_as_each_rule_does(tmp_path: Path) -> None:
    """Rules that share a start and an ending are joined around one alternation (PERF9):
    every text gets the verdict the rules' own regexes give, one at a time."""
    import re

    from pathspec.patterns.gitignore.spec import GitIgnoreSpecPattern

    from corslint.runner.ignore_files import _any_rule, _either, _factored

    sources = [r for r, include in map(GitIgnoreSpecPattern.pattern_to_regex, FAST_RULES) if r and include]
    assert len(_factored(sources, ("^(?:.+/)?", "^"))) < len(sources) // 2
    each = [re.compile(source) for source in sources]
    joined, anywhere = _either(sources), _any_rule(sources)
    assert joined is not None and anywhere is not None
    segments = [
        *SEGMENTS,
        "node_modules",
        "dist",
        ".env",
        ".env.local",
        "npm-debug.log.1",
        "coverage",
        "storage",
    ]
    texts = ["/".join(p) for n in (1, 2, 3) for p in itertools.product(segments, repeat=n)]
    texts += [t + "/" for t in texts] + ["/dist", "dist\n", "a/.env\n", "/a/b"]
    for text in texts:
        expected = any(regex.match(text) for regex in each)
        assert bool(joined.match(text)) == expected, text
        assert anywhere(text) == any(regex.search(text) for regex in each), text
    (tmp_path / ".gitignore").write_text("\n".join(FAST_RULES) + "\n")
    rule = load_ignore_files(str(tmp_path), [".gitignore"], 0, "")
    assert rule is not None and rule.fast
    spec = pathspec.GitIgnoreSpec.from_lines(FAST_RULES)
    for text in texts:
        if "\n" in text or text.startswith("/") or not text.strip("/"):
            continue
        path, is_dir = text.rstrip("/"), text.endswith("/")
        verdict = rule.verdict(path, path.rpartition("/")[2], is_dir)
        if spec.check_file(text).include:  # an ignored parent folder is pruned by the walk
            assert verdict is True or any(
                spec.check_file(parent + "/").include for parent in _parents(path)
            ), text
        else:
            assert verdict is None, text


def _parents(path: str) -> list[str]:
    parts = path.split("/")
    return ["/".join(parts[:n]) for n in range(1, len(parts))]
