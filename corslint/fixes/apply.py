"""Applying fixes to texts, and showing them as unified diffs."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from corslint.findings import Edit, Finding, Fix


@dataclass(frozen=True)
class FixedFiles:
    """Each changed file's text after the fixes, and how many fixes each took."""

    texts: dict[str, str] = field(default_factory=dict)
    applied: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.applied.values())


def wanted(finding: Finding, unsafe: bool) -> Fix | None:
    fix = finding.fix
    return fix if fix is not None and (fix.safe or unsafe) else None


def apply_edits(text: str, fixes: Iterable[Fix]) -> tuple[str, int]:
    """`text` with the fixes whose edits overlap no edit taken before (in order of their
    first edit); the others wait for the next round. Edits are applied from the end, so
    every offset still points where it was made for."""
    taken: list[Edit] = []
    count = 0
    for fix in sorted(fixes, key=lambda f: min((e.start, e.end) for e in f.edits)):
        edits = list(fix.edits)
        clash = any(
            _overlap(edit, other) for edit in edits for other in [*taken, *edits] if edit is not other
        )
        if clash or not all(0 <= e.start <= e.end <= len(text) for e in edits):
            continue
        taken.extend(edits)
        count += 1
    for edit in sorted(taken, key=lambda e: (e.start, e.end), reverse=True):
        text = text[: edit.start] + edit.replacement + text[edit.end :]
    return text, count


def _overlap(one: Edit, other: Edit) -> bool:
    if one.start == one.end == other.start == other.end:
        return True  # two insertions at one place: their order would be a guess
    return one.start < other.end and other.start < one.end


def fixed_files(findings: Sequence[Finding], texts: dict[str, str], unsafe: bool = False) -> FixedFiles:
    """What the fixes of `findings` make of the files in `texts` (path -> text)."""
    by_path: dict[str, list[Fix]] = {}
    for finding in findings:
        fix = wanted(finding, unsafe)
        if fix is not None and fix not in by_path.get(finding.location.path, []):
            by_path.setdefault(finding.location.path, []).append(fix)
    result = FixedFiles()
    for path, fixes in by_path.items():
        if path not in texts:
            continue
        new_text, count = apply_edits(texts[path], fixes)
        if count and new_text != texts[path]:
            result.texts[path] = new_text
            result.applied[path] = count
    return result


def unified_diff(path: str, before: str, after: str) -> str:
    lines = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{path}", f"b/{path}"
    )
    return "".join(
        line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n" for line in lines
    )
