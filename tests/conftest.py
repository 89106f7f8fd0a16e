from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any

import pytest

from corslint.cli import main
from corslint.model import CorsPolicy, Location, Value
from corslint.rules import RULE_IDS
from corslint.runner.result import RunResult
from corslint.runner.run import lint
from corslint.runner.settings import Settings, find_config, load

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
# the fixture projects are code to lint, test suites of their own included: never collected
collect_ignore = ["fixtures"]


def run_lint(path: Path, settings: Settings | None = None) -> RunResult:
    if settings is None:
        found = find_config(path)
        settings = load(found, RULE_IDS) if found is not None else Settings()
    return lint([path], settings)


def policies_linted_inside(project: Path, framework: str) -> list[CorsPolicy]:
    """The `framework` policies of `project`, linted from inside it: their paths are
    relative to it, as a harness that loads the project's files names them."""
    return [p for p in linted_inside(project) if p.framework == framework]


def sole_policy_inside(project: Path, framework: str) -> CorsPolicy:
    """The one `framework` policy of `project`, linted from inside it."""
    found = policies_linted_inside(project, framework)
    assert len(found) == 1, found
    return found[0]


def linted_inside(project: Path) -> list[CorsPolicy]:
    """Every policy of `project`, linted from inside it (paths relative to it)."""
    cwd = Path.cwd()
    os.chdir(project)
    try:
        return list(run_lint(Path(".")).policies)
    finally:
        os.chdir(cwd)


def fixture_projects(*folders: str) -> list[Path]:
    """The fixture projects under each tests/fixtures/`folder`, in name order."""
    return [
        project for folder in folders for project in sorted((FIXTURES / folder).iterdir()) if project.is_dir()
    ]


def named_fixture_policies(
    projects: Iterable[Path], frameworks: Collection[str]
) -> list[tuple[str, CorsPolicy, Path]]:
    """Each project's `frameworks` policies, linted from inside it, named
    `project:path:line` (and `[branch]`, one per `if` arm), with the project."""
    found: list[tuple[str, CorsPolicy, Path]] = []
    for project in projects:
        for policy in linted_inside(project):
            if policy.framework in frameworks:
                name = f"{project.name}:{policy.location.path}:{policy.location.line}"
                name += f"[{policy.branch}]" if policy.branch else ""
                found.append((name, policy, project))
    return found


def extracted_value(raw: Any, at: Location) -> Value:
    """`raw` as an extractor records it: lists, tuples and dicts item by item."""
    if isinstance(raw, (list, tuple)):
        return Value(tuple(extracted_value(item, at) for item in raw), at)
    if isinstance(raw, dict):
        return Value({key: extracted_value(item, at) for key, item in raw.items()}, at)
    return Value(raw, at)


def synthetic_policy(framework: str, at: Location, options: dict[str, Any], **fields: Any) -> CorsPolicy:
    """A `framework` policy with these literal options, as if extracted at `at`."""
    options_found = {name: extracted_value(raw, at) for name, raw in options.items()}
    return CorsPolicy(framework, at, options_found, **fields)


def run_cli(*arguments: str) -> tuple[int, str, str]:
    """`corslint ARGUMENTS` in this process: its exit code, stdout and stderr."""
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(list(arguments))
    return code, stdout.getvalue(), stderr.getvalue()


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary working directory, so reported paths are short and relative."""
    monkeypatch.chdir(tmp_path)
    return tmp_path
