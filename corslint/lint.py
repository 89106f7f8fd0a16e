"""The pipeline: files -> policies -> findings. Reports are rendered elsewhere."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from corslint.config import Settings
from corslint.discovery import Candidate, Skipped, walk
from corslint.extractors import EXTRACTORS, Extractor, ProjectContext
from corslint.findings import Finding, Level
from corslint.model import CorsPolicy, Diagnostic, Location, SourceError

MAX_FILE_BYTES = 5_000_000
BINARY_SNIFF = 8192
SOURCE_SUFFIXES: tuple[str, ...] = tuple(sorted({s for e in EXTRACTORS for s in e.suffixes}))
SOURCE_NAMES: tuple[str, ...] = tuple(sorted({n for e in EXTRACTORS for n in e.filenames}))
_SUPPRESSION = re.compile(r"corslint:\s*ignore(?:\[([A-Za-z0-9_,\s]*)\])?")


@dataclass
class RunStats:
    files_seen: int = 0
    files_parsed: int = 0
    policies: int = 0


@dataclass(frozen=True)
class FileOutcome:
    policies: tuple[CorsPolicy, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    text: str | None = None
    parsed: bool = False


@dataclass
class RunResult:
    findings: list[Finding]
    policies: list[CorsPolicy]
    skipped: list[Skipped]
    stats: RunStats = field(default_factory=RunStats)


def read_file(
    candidate: Candidate, context: ProjectContext, extractors: Sequence[Extractor] = EXTRACTORS
) -> FileOutcome:
    """Everything one file yields; bad input becomes a CORS001 diagnostic, never an exception."""
    name = candidate.path.name
    interested = [e for e in extractors if e.accepts(name)]
    if not interested:
        return FileOutcome()
    where = Location.point(candidate.display, 1)
    try:
        size = candidate.path.stat().st_size
        if size > MAX_FILE_BYTES:
            return FileOutcome(
                diagnostics=(
                    Diagnostic(
                        "CORS001",
                        f"file skipped: {size:,} bytes is over the {MAX_FILE_BYTES:,}-byte limit",
                        where,
                    ),
                )
            )
        data = candidate.path.read_bytes()
    except OSError as error:
        return FileOutcome(
            diagnostics=(Diagnostic("CORS001", f"cannot read file: {error.strerror or error}", where),)
        )
    searchable = data
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16: search the text, not its bytes
        searchable = data.decode("utf-16", errors="replace").encode("utf-8")
    wanted = [e for e in interested if e.wants(searchable)]
    if not wanted:
        return FileOutcome()
    text, problem = decode(data)
    if text is None:
        return FileOutcome(diagnostics=(Diagnostic("CORS001", problem, where),))
    policies: list[CorsPolicy] = []
    diagnostics: list[Diagnostic] = []
    for extractor in wanted:
        try:
            extraction = extractor.load()(candidate.display, text, context)
        except SourceError as error:
            diagnostic = Diagnostic(
                "CORS001", error.message, Location.point(candidate.display, error.line, error.column)
            )
            if diagnostic not in diagnostics:
                diagnostics.append(diagnostic)
            continue
        except RecursionError:
            diagnostics.append(Diagnostic("CORS001", "nested too deeply to analyse", where))
            continue
        except Exception as error:  # an extractor bug must not end the run, nor hide the file
            diagnostics.append(
                Diagnostic(
                    "CORS001",
                    f"internal error in the {extractor.name} extractor: {type(error).__name__}: {error}",
                    where,
                )
            )
            continue
        policies.extend(extraction.policies)
        diagnostics.extend(d for d in extraction.diagnostics if d not in diagnostics)
    return FileOutcome(tuple(policies), tuple(diagnostics), text, parsed=True)


def decode(data: bytes) -> tuple[str | None, str]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), ""
        except UnicodeDecodeError:
            return None, "not valid UTF-16 despite its byte-order mark"
    if b"\0" in data[:BINARY_SNIFF]:
        return None, "binary file (it contains NUL bytes); not read"
    try:
        return data.decode("utf-8-sig"), ""
    except UnicodeDecodeError as error:
        return None, f"not valid UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start}); not read"


def lint(paths: Sequence[Path], settings: Settings) -> RunResult:
    from corslint.rules import RULES, rule_by_id

    skipped: list[Skipped] = []
    stats = RunStats()
    context = ProjectContext()
    policies: list[CorsPolicy] = []
    diagnostics: list[Diagnostic] = list(settings.problems)
    texts: dict[str, str] = {}
    for candidate in walk(paths, settings.exclude, SOURCE_SUFFIXES + SOURCE_NAMES, skipped):
        stats.files_seen += 1
        outcome = read_file(candidate, context)
        stats.files_parsed += outcome.parsed
        policies.extend(outcome.policies)
        diagnostics.extend(outcome.diagnostics)
        if outcome.text is not None:
            texts[candidate.display] = outcome.text
    stats.policies = len(policies)

    findings: list[Finding] = []
    for diagnostic in diagnostics:
        rule = rule_by_id(diagnostic.rule_id)
        findings.append(Finding(diagnostic.rule_id, rule.level, diagnostic.message, diagnostic.location))
    findings.extend(judge(policies, [r for r in RULES if settings.rule_enabled(r.id)]))
    kept = [
        f
        for f in findings
        if settings.rule_enabled(f.rule_id)
        and not settings.ignored_in_file(f.rule_id, f.location.path)
        and not suppressed(f, texts)
    ]
    kept = sorted(set(kept), key=lambda f: f.sort_key)
    return RunResult(kept, policies, skipped, stats)


def judge(policies: Iterable[CorsPolicy], rules: Iterable[object]) -> list[Finding]:
    from corslint.rules.base import PolicyProbe, Rule

    probes = [PolicyProbe(policy) for policy in policies]
    findings: list[Finding] = []
    for rule in rules:
        assert isinstance(rule, Rule)
        findings.extend(rule.check_all(probes))
    return findings


def suppressed(finding: Finding, texts: dict[str, str]) -> bool:
    """`corslint: ignore[ID]` on the finding's line or the line above; bare = every rule."""
    text = texts.get(finding.location.path)
    if text is None:
        try:
            text = Path(finding.location.path).read_text("utf-8", errors="replace")
        except OSError:
            return False
        texts[finding.location.path] = text
    lines = text.splitlines()
    for number in (finding.location.line, finding.location.line - 1):
        if not 1 <= number <= len(lines):
            continue
        for match in _SUPPRESSION.finditer(lines[number - 1]):
            ids = match.group(1)
            if ids is None:
                return True
            if any(finding.rule_id.startswith(i.strip().upper()) for i in ids.split(",") if i.strip()):
                return True
    return False


def exit_code(findings: Iterable[Finding], fail_level: Level) -> int:
    return 1 if any(f.level.rank >= fail_level.rank for f in findings) else 0
