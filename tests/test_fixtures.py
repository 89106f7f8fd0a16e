"""Each fixture project is linted and its findings compared with the `expect:` comments."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from corslint.rules import rule_by_id
from tests.conftest import FIXTURES, run_lint

_EXPECT = re.compile(r"(?:#|//)\s*expect:\s*([A-Z0-9 ,]+)")
_SIDE = re.compile(r"^\s*(\d+)\s*:\s*([A-Z0-9 ,]+)$")


def projects() -> list[Path]:
    """Each framework's project folders; hidden ones (a `.corslint_cache` left by linting a
    framework's folder by hand) are not projects."""
    return sorted(
        p
        for framework in FIXTURES.iterdir()
        if framework.is_dir()
        for p in framework.iterdir()
        if p.is_dir() and not p.name.startswith(".")
    )


def expectations(project: Path) -> Counter[tuple[str, int, str]]:
    expected: Counter[tuple[str, int, str]] = Counter()
    for path in sorted(project.rglob("*")):
        if not path.is_file():
            continue
        relative = path.relative_to(project).as_posix()
        if path.name.endswith(".expect"):
            target = relative[: -len(".expect")]
            for line in path.read_text("utf-8").splitlines():
                match = _SIDE.match(line)
                if match:
                    for rule_id in match.group(2).replace(",", " ").split():
                        expected[(target, int(match.group(1)), rule_id)] += 1
            continue
        try:
            text = path.read_text("utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            match = _EXPECT.search(line)
            if match:
                for rule_id in match.group(1).replace(",", " ").split():
                    expected[(relative, number, rule_id)] += 1
    return expected


@pytest.mark.parametrize("project", projects(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture_project(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    result = run_lint(Path("."))
    found: Counter[tuple[str, int, str]] = Counter(
        (f.location.path, f.location.line, f.rule_id) for f in result.findings
    )
    expected = expectations(project)
    messages = {(f.location.path, f.location.line, f.rule_id): f.message for f in result.findings}
    unexpected = {key: messages[key] for key in found - expected}
    missing = sorted(expected - found)
    assert not unexpected and not missing, f"unexpected: {unexpected}\nmissing: {missing}"
    # reports name the rule from the finding itself, without importing every rule
    assert all(f.rule_name == rule_by_id(f.rule_id).name for f in result.findings)


def test_there_are_enough_fixtures() -> None:
    by_framework = Counter(p.parent.name for p in projects())
    assert by_framework["starlette"] >= 15
