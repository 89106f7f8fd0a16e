"""The human format: one finding per block, the source line and a caret, then a summary."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from corslint.extractors.unmodelled.libraries import library_named
from corslint.findings import Finding, Level
from corslint.report.context import ReportContext, counts, visible

_COLORS = {Level.ERROR: "\033[1;31m", Level.WARNING: "\033[1;33m", Level.NOTE: "\033[1;36m"}
_BOLD = "\033[1m"
_DIM = "\033[2m"
_RESET = "\033[0m"

Paint = Callable[[str, str], str]
MAX_SNIPPET = 200


def render(context: ReportContext) -> str:
    """Every finding, then a summary (not with `quiet`). Everything that comes from the
    linted repository (paths, messages, source lines) is printed through `visible`."""
    paint = _painter(context.color)
    lines: list[str] = []
    sources: dict[str, list[str] | None] = {}
    for finding in context.result.findings:
        lines.extend(_block(finding, context, paint, sources))
        lines.append("")
    if context.quiet:
        return "\n".join(lines[:-1]) + "\n" if lines else ""
    lines.append(_summary(context, paint))
    return "\n".join(lines) + "\n"


def _painter(enabled: bool) -> Paint:
    def paint(text: str, style: str) -> str:
        return f"{style}{text}{_RESET}" if enabled else text

    return paint


def _block(
    finding: Finding, context: ReportContext, paint: Paint, sources: dict[str, list[str] | None]
) -> list[str]:
    loc = finding.location
    head = (
        f"{paint(f'{visible(loc.path)}:{loc.line}:{loc.column}:', _BOLD)} "
        f"{paint(finding.rule_id, _COLORS[finding.level])}{' [*]' * _fixable(finding)} "
        f"[{finding.level.value}] {visible(finding.message)}"
    )
    out = [head]
    source = _line(sources, loc.path, loc.line)
    if source is not None and loc.column <= MAX_SNIPPET:
        gutter = str(loc.line)
        shown = source[:MAX_SNIPPET]
        out.append(f"{paint(gutter, _DIM)} | {visible(shown.expandtabs(4))}{' ...' * (shown != source)}")
        end = loc.end_column if loc.end_line == loc.line else len(shown) + 1
        end = max(loc.column + 1, min(end, len(shown) + 1))
        # the caret sits under the text as a terminal draws it: tabs expanded, wide (CJK)
        # characters two columns each, control characters as their escapes
        before = _columns(visible(shown[: loc.column - 1].expandtabs(4)))
        width = max(1, _columns(visible(shown[: end - 1].expandtabs(4))) - before)
        out.append(f"{' ' * len(gutter)} | {' ' * before}{paint('^' * width, _COLORS[finding.level])}")
    for related in finding.related:
        r = related.location
        out.append(f"  = note: {visible(r.path)}:{r.line}:{r.column}: {visible(related.message)}")
    out.append(f"  = help: {visible(context.settings.docs_link(finding.rule_id))}")
    return out


def _fixable(finding: Finding) -> bool:
    """Whether `--fix` would repair the finding (unsafe fixes need `--unsafe-fixes`)."""
    return finding.fix is not None and finding.fix.safe


def _line(sources: dict[str, list[str] | None], path: str, number: int) -> str | None:
    if path not in sources:
        try:
            sources[path] = Path(path).read_text("utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            sources[path] = None
    lines = sources[path]
    if lines is None or not 1 <= number <= len(lines):
        return None
    return lines[number - 1]


def _columns(text: str) -> int:
    """How many terminal columns `text` takes: wide characters two, combining marks none."""
    if text.isascii():
        return len(text)
    import unicodedata

    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text
    )


def _summary(context: ReportContext, paint: Paint) -> str:
    result = context.result
    findings = result.findings
    stats = result.stats
    scope = (
        f"{stats.files_seen} file{'s' * (stats.files_seen != 1)} checked, "
        f"{stats.policies} CORS configuration{'s' * (stats.policies != 1)} found"
    )
    # CORS003 names each library in its message: the same library in two files counts once
    unchecked = len(
        {name for f in findings if f.rule_id == "CORS003" and (name := library_named(f.message)) is not None}
    )
    if unchecked:
        scope += f", {unchecked} CORS librar{'ies' if unchecked != 1 else 'y'} not checked"
    skipped = f"; {len(result.skipped)} path(s) skipped" if result.skipped else ""
    if not findings:
        return paint("No CORS problems found", _BOLD) + f" ({scope}{skipped})."
    tally = counts(findings)
    parts = [f"{n} {level}{'s' * (n != 1)}" for level, n in tally.items() if n]
    fixable = sum(1 for finding in findings if _fixable(finding))
    hidden = sum(1 for finding in findings if finding.fix is not None and not finding.fix.safe)
    return (
        paint(f"Found {len(findings)} problem{'s' * (len(findings) != 1)}", _BOLD)
        + f" ({', '.join(parts)}; {scope}{skipped})."
        + (f"\n[*] {fixable} fixable with `--fix`." if fixable else "")
        + (f"\n({hidden} more fixable with `--fix --unsafe-fixes`.)" if hidden else "")
    )
