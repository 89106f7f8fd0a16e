"""The engine: a file's text -> policies -> findings. Pure: it reads no file, keeps no
cache and knows nothing of workers or the command line (corslint.runner does that)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from corslint.extractors import Extractor, ProjectContext
from corslint.findings import Diagnostic, Finding, Level, Location

if TYPE_CHECKING:
    from corslint.model import CorsPolicy
    from corslint.rules.base import Rule

_SUPPRESSION = re.compile(r"corslint:\s*ignore(?:\[([A-Za-z0-9_,\s]*)\])?")


@dataclass(frozen=True)
class FileOutcome:
    """Everything one file yields: policies, diagnostics, and what the rules said of them."""

    policies: tuple[CorsPolicy, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    text: str | None = None
    parsed: bool = False
    skipped: str | None = None  # why the file was not analysed, when that is not a problem
    cacheable: bool = True  # False when the answer may change without the file changing
    # what every rule that judges one policy at a time says of `policies`, before the
    # settings and suppression comments filter it: judged where the file was read
    findings: tuple[Finding, ...] = ()


EMPTY_OUTCOME = FileOutcome()

Prepared = tuple[str, tuple[Extractor, ...]]  # decoded text, the extractors that want it


def every_rule(rule_id: str) -> bool:
    """The rule filter of a run that judges with every rule."""
    return True


RuleFilter = Callable[[str], bool]  # whether the run judges with a rule (by id): --select, --ignore


def extract_prepared(
    display: str, prepared: Prepared, context: ProjectContext, judged: RuleFilter = every_rule
) -> FileOutcome:
    """The expensive part: run each interested extractor over the decoded text of the file
    shown as `display`, and the rules that judge one policy at a time and that the run
    selects (`judged`) over them."""
    from corslint.model import SourceError  # the policy model: only for runs that parse

    text, wanted = prepared
    where = Location.point(display, 1)
    policies: list[CorsPolicy] = []
    diagnostics: list[Diagnostic] = []
    skipped: str | None = None
    for extractor in wanted:
        try:
            extraction = extractor.load()(display, text, context)
        except SourceError as error:
            diagnostic = Diagnostic(
                "CORS001", error.message, Location.point(display, error.line, error.column)
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
        skipped = skipped or extraction.skipped
    findings: tuple[Finding, ...] = ()
    try:
        if policies:
            findings = tuple(judge(policies, single_policy_rules(judged)))
    except Exception as error:  # a rule bug must not end the run either
        diagnostics.append(
            Diagnostic("CORS001", f"internal error while judging: {type(error).__name__}: {error}", where)
        )
    return FileOutcome(
        tuple(policies), tuple(diagnostics), text, parsed=True, skipped=skipped, findings=findings
    )


def single_policy_rules(judged: RuleFilter) -> list[Rule]:
    """The rules that judge one policy at a time, of those the run selects."""
    from corslint.rules import RULES

    return [rule for rule in RULES if not rule.across_policies and judged(rule.id)]


def across_policy_rules(judged: RuleFilter) -> list[Rule]:
    """The rules that judge the policies of a whole run together, of those the run selects."""
    from corslint.rules import RULES

    return [rule for rule in RULES if rule.across_policies and judged(rule.id)]


def failure_at(display: str, reason: str) -> FileOutcome:
    """A file that could not be analysed at all: CORS001, and never cached."""
    diagnostic = Diagnostic("CORS001", reason, Location.point(display, 1))
    return FileOutcome(diagnostics=(diagnostic,), cacheable=False)


def as_finding(diagnostic: Diagnostic) -> Finding:
    """A diagnostic (CORS001, CORS002), at its rule's level."""
    from corslint.rules import rule_by_id

    rule = rule_by_id(diagnostic.rule_id)
    return Finding(
        diagnostic.rule_id, rule.level, diagnostic.message, diagnostic.location, rule_name=rule.name
    )


def judge(policies: Iterable[CorsPolicy], rules: Iterable[Rule]) -> list[Finding]:
    from corslint.rules.base import PolicyProbe

    probes = [PolicyProbe(policy) for policy in policies]
    findings: list[Finding] = []
    for rule in rules:
        findings.extend(rule.check_all(probes))
    return findings


def suppressed(finding: Finding, text: str | None) -> bool:
    """`corslint: ignore[ID]` on the finding's line or the line above; bare = every rule.
    `text` is the finding's file (None: it could not be read, so nothing is suppressed)."""
    if text is None:
        return False
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
