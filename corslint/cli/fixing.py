"""`check --fix`, `--fix-only`, `--diff` and `--unsafe-fixes`: the fixes of a run, shown or applied."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Sequence
from typing import Protocol

from corslint.findings import Finding
from corslint.runner.result import RunResult


class FixOptions(Protocol):
    """What `check` was asked about fixes (a `CheckRequest`)."""

    @property
    def fix(self) -> bool: ...
    @property
    def unsafe_fixes(self) -> bool: ...
    @property
    def diff(self) -> bool: ...
    @property
    def fix_only(self) -> bool: ...
    @property
    def exit_non_zero_on_fix(self) -> bool: ...
    @property
    def quiet(self) -> bool: ...


def getting_ready_for_fixes(allowed: Callable[[str], bool]) -> Callable[[Sequence[Finding]], None]:
    """What a run is told of the findings its workers send back (`lint(on_findings=...)`):
    at the first Python finding whose fix may re-render a string literal, the parser that
    does it is imported in a thread while the workers read on, not after the last of them
    is done (0.13-0.26 s at the end of a run over a tree of real projects)."""
    started: list[threading.Thread] = []

    def told(findings: Sequence[Finding]) -> None:
        if started:
            return
        from corslint.fixes.attach import LITERAL_FIXES, PYTHON_SUFFIXES
        from corslint.fixes.literals import import_python_parser

        if any(
            f.rule_id in LITERAL_FIXES and allowed(f.rule_id) and f.location.path.endswith(PYTHON_SUFFIXES)
            for f in findings
        ):
            started.append(threading.Thread(target=import_python_parser, daemon=True))
            started[0].start()

    return told


def apply_requested_fixes(
    request: FixOptions,
    result: RunResult,
    lint: Callable[[], RunResult],
    allowed: Callable[[str], bool] = lambda rule_id: True,
) -> tuple[RunResult, int, int | None]:
    """The run after the fixes asked for, how many were applied, and the exit code when
    the command ends here (`--diff`, `--fix-only`), else None. Findings that have a fix
    carry it, for the reports to mark; `allowed`: which rules' fixes may be offered."""
    if result.findings:  # a clean run imports no fixer (8 ms of a run on one clean file)
        from corslint.fixes.attach import with_fixes

        result.findings = with_fixes(result.findings, allowed=allowed)
    if request.diff:
        from corslint.fixes.rounds import diff

        shown, count = diff(result.findings, request.unsafe_fixes)
        sys.stdout.write(shown)
        if not request.quiet:
            sys.stderr.write(f"corslint: would fix {count} problem{'s' * (count != 1)}\n")
        return result, 0, 1 if count else 0
    if not (request.fix or request.fix_only):
        return result, 0, None
    from corslint.fixes.rounds import fix_in_place

    outcome = fix_in_place(result, lint, request.unsafe_fixes, allowed)
    fixed = sum(outcome.applied.values())
    final = outcome.result
    assert isinstance(final, RunResult)
    if fixed and not request.quiet:
        files = len(outcome.applied)
        sys.stderr.write(
            f"corslint: fixed {fixed} problem{'s' * (fixed != 1)} in {files} file{'s' * (files != 1)}\n"
        )
    if request.fix_only:
        return final, fixed, 1 if request.exit_non_zero_on_fix and fixed else 0
    return final, fixed, None
