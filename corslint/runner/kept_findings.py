"""The findings a run reports, once every file is judged: the rules the settings select,
outside the files exempted from them, not suppressed by a comment (CORS004 for the comments
that suppress nothing), one per rule and place, and a manifest's note only where no code
says more. Split from run.py, which reads the files."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from corslint.engine import Suppression, as_finding, suppressing, suppression_problems, suppressions
from corslint.findings import ENTRY_DEFINED_HERE, Finding, Location
from corslint.runner.settings import Settings


def conclude(
    findings: Iterable[Finding], settings: Settings, texts: dict[str, str], configured: Iterable[str]
) -> list[Finding]:
    """The findings a run reports: those of the rules the settings select, outside the
    files `per-file-ignores` exempts them in, and not suppressed by a comment; then CORS004
    for the suppression comments of the files that hold configuration (`configured`) or
    findings that name no rule or suppressed nothing."""
    comments: dict[str, list[Suppression]] = {}

    def comments_of(path: str) -> list[Suppression]:
        found = comments.get(path)
        if found is None:
            text = _source_text(path, texts)
            found = comments[path] = suppressions(text) if text is not None else []
        return found

    used: dict[Suppression, set[str]] = {}
    kept: list[Finding] = []
    for finding in findings:
        if not settings.rule_enabled(finding.rule_id) or settings.ignored_in_file(
            finding.rule_id, finding.location.path
        ):
            continue
        hit = suppressing(finding, comments_of(finding.location.path))
        if hit is None:
            kept.append(finding)
        else:
            used.setdefault(hit[0], set()).add(hit[1])
    if settings.rule_enabled("CORS004"):
        from corslint.rules import RULE_IDS

        for path in dict.fromkeys([*configured, *comments]):
            if settings.ignored_in_file("CORS004", path):
                continue
            for problem in suppression_problems(
                path, comments_of(path), used, RULE_IDS, settings.rule_enabled
            ):
                finding = as_finding(problem)
                hit = suppressing(finding, comments_of(path))
                if hit is None or hit[1] != "CORS004":  # only a comment naming it silences it
                    kept.append(finding)
    return sorted(seen_in_code_too(one_per_place(kept)), key=lambda f: f.sort_key)


def one_per_place(findings: list[Finding]) -> list[Finding]:
    """One finding per rule and place. Two policies can share a value (a config module's
    origins read by an app's CORS layer and by its `@cross_origin` views) and each report
    it, worded for its own layer: the reader needs the place once, at its highest level.
    Two entries of one list kept in another module are two problems at the same option,
    told apart by where each entry is defined.
    Between equals the one naming more related places wins, then the first of those places,
    so that the outcome never depends on which worker read which file first; between two
    layers' identical findings, the framework's name decides (not the set's hash order)."""
    best: dict[tuple[str, Location, tuple[Location, ...]], Finding] = {}
    for finding in sorted(set(findings), key=_preference):
        entries = tuple(r.location for r in finding.related if r.message == ENTRY_DEFINED_HERE)
        best.setdefault((finding.rule_id, finding.location, entries), finding)
    return list(best.values())


def _preference(finding: Finding) -> tuple[object, ...]:
    related = tuple((r.location.path, r.location.line, r.location.column, r.message) for r in finding.related)
    return (
        -finding.level.rank,
        finding.sort_key,
        -len(related),
        related,
        finding.fix is None,
        finding.framework,
    )


def _source_text(path: str, texts: dict[str, str]) -> str | None:
    """A finding's file, for its suppression comments: the text the run read, else read
    now (a file answered from the cache, or one a finding points into from elsewhere)."""
    text = texts.get(path)
    if text is None:
        try:
            text = Path(path).read_text("utf-8", errors="replace")
        except OSError:
            return None
        texts[path] = text
    return text


def seen_in_code_too(findings: list[Finding]) -> list[Finding]:
    """The findings less the CORS003 notes of a dependency manifest about a library that
    code also uses: the note at the import says all a reader needs, and says where."""
    from corslint.extractors.unmodelled.libraries import MANIFESTS, library_named

    def library(finding: Finding) -> str | None:
        return library_named(finding.message) if finding.rule_id == "CORS003" else None

    def in_manifest(finding: Finding) -> bool:
        return finding.location.path.rsplit("/", 1)[-1] in MANIFESTS

    in_code = {name for f in findings if not in_manifest(f) and (name := library(f)) is not None}
    return [f for f in findings if not (in_manifest(f) and library(f) in in_code)]
