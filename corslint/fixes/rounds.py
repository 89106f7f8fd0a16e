"""`--fix` and `--diff` over a run: fix, write, lint again, until nothing more is fixed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from corslint.findings import Finding
from corslint.fixes.apply import FixedFiles, fixed_files, unified_diff, wanted
from corslint.fixes.attach import read_source, with_fixes

MAX_ROUNDS = 10  # as ruff: a fix that keeps making fixes possible is a bug, not a loop to follow


class LintResult(Protocol):
    findings: list[Finding]


@dataclass(frozen=True)
class Outcome:
    """The run after the fixes, and how many fixes each file took."""

    result: LintResult
    applied: dict[str, int]


def _texts(findings: Sequence[Finding], unsafe: bool) -> dict[str, str]:
    texts: dict[str, str] = {}
    for finding in findings:
        path = finding.location.path
        if wanted(finding, unsafe) is not None and path not in texts:
            source = read_source(path)
            if source is not None:
                texts[path] = source.text
    return texts


def pending(findings: Sequence[Finding], unsafe: bool) -> tuple[FixedFiles, dict[str, str]]:
    """What the fixes would make of each file, and each file's text before."""
    texts = _texts(findings, unsafe)
    return fixed_files(findings, texts, unsafe), texts


def diff(findings: Sequence[Finding], unsafe: bool) -> tuple[str, int]:
    """The unified diff of the fixes (nothing is written) and how many fixes it holds."""
    fixed, before = pending(findings, unsafe)
    shown = "".join(unified_diff(path, before[path], fixed.texts[path]) for path in sorted(fixed.texts))
    return shown, fixed.total


def write_text(path: str, text: str) -> None:
    """`text` into `path` as it was stored: a byte-order mark kept, line breaks untouched."""
    with open(path, "rb") as stream:
        marked = stream.read(3) == b"\xef\xbb\xbf"
    with open(path, "w", encoding="utf-8-sig" if marked else "utf-8", newline="") as stream:
        stream.write(text)


def fix_in_place(
    first: LintResult,
    lint: Callable[[], LintResult],
    unsafe: bool,
    allowed: Callable[[str], bool] = lambda rule_id: True,
) -> Outcome:
    """Apply the fixes of `first`, lint again with `lint`, and so on; the last run's result.
    `allowed`: which rules' fixes may be applied."""
    result: LintResult = first
    applied: dict[str, int] = {}
    for _ in range(MAX_ROUNDS):
        fixed, _before = pending(result.findings, unsafe)
        if not fixed.total:
            break
        for path, text in fixed.texts.items():
            write_text(path, text)
            applied[path] = applied.get(path, 0) + fixed.applied[path]
        result = lint()
        result.findings = with_fixes(result.findings, allowed=allowed)
    return Outcome(result, applied)
