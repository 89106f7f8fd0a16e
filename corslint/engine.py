"""The engine: a file's text -> policies -> findings. Pure: it reads no file, keeps no
cache and knows nothing of workers or the command line (corslint.runner does that)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from corslint.extractors import Extractor
from corslint.extractors.context import ProjectContext
from corslint.findings import Diagnostic, Finding, Level, Location
from corslint.linted_folders import in_effect

if TYPE_CHECKING:
    from corslint.model import CorsPolicy
    from corslint.rules.base import Rule

_SUPPRESSION = re.compile(r"corslint:\s*ignore(\[[^\]\n]*\]?)?")
_IDS = re.compile(r"\[([A-Za-z0-9_,\s]*)\]")
# flake8's and ruff's comment (noqa, a colon, codes), for corslint's own ids; codes of other
# tools in the same comment are theirs, and a noqa without codes is theirs too
_NOQA = re.compile(
    r"(?:#|//)\s*noqa:\s*([A-Za-z]+[0-9][A-Za-z0-9]*(?:[\s,]+[A-Za-z]+[0-9][A-Za-z0-9]*)*)", re.IGNORECASE
)


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
            with in_effect(context.linted_folders):
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
    if policies:
        with in_effect(context.linted_folders):  # test code is judged by its path in the project
            judged_findings, failures = judge_apart(policies, single_policy_rules(judged))
        findings = tuple(judged_findings)
        # a rule bug must not end the run, nor take the other rules' findings with it
        diagnostics.extend(
            Diagnostic(
                "CORS001",
                f"internal error while judging: {type(error).__name__}: {error} "
                f"({rule_id}'s findings on this file are missing; the other rules' stand)",
                where,
            )
            for rule_id, error in failures
        )
    from corslint.frameworks.bounded_regex import unevaluated_patterns

    backtracking = unevaluated_patterns(policies)  # CORS001 where a pattern timed out
    diagnostics.extend(backtracking)
    return FileOutcome(
        tuple(policies),
        tuple(diagnostics),
        text,
        parsed=True,
        skipped=skipped,
        findings=findings,
        cacheable=not backtracking,  # a time limit's verdict depends on the machine: ask again
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


def judge_apart(
    policies: Iterable[CorsPolicy], rules: Iterable[Rule]
) -> tuple[list[Finding], list[tuple[str, Exception]]]:
    """`judge`, where a rule that raises loses only its own findings: the others' findings,
    and each failing rule's id with what it raised."""
    from corslint.extractors.test_code_paths import in_test_code  # only for runs that judge
    from corslint.rules.base import PolicyProbe

    probes = [PolicyProbe(policy) for policy in policies]
    deployed = [probe for probe in probes if not in_test_code(probe.policy.location.path)]
    findings: list[Finding] = []
    failures: list[tuple[str, Exception]] = []
    for rule in rules:
        try:
            # test code: what it lets in is never deployed, and what could not be read of it
            # is nothing a user must check (CORS305); the 3xx wiring rules still apply
            judged = deployed if rule.id[4] in "12" or rule.id == "CORS305" else probes
            findings.extend(list(rule.check_all(judged)))
        except Exception as error:
            failures.append((rule.id, error))
    return findings, failures


@dataclass(frozen=True)
class Suppression:
    """A suppression comment: `corslint: ignore[IDS]` (bare: every rule), or `noqa: CORS...`.
    It covers findings on its own line and the line below it."""

    line: int
    column: int
    ids: tuple[str, ...] | None  # upper-case ids or prefixes; None: every rule
    spelling: str  # the comment as written, for messages

    def covers(self, rule_id: str) -> str | None:
        """The id or prefix through which this comment suppresses `rule_id` ("*": bare)."""
        if self.ids is None:
            return "*"
        return next((i for i in self.ids if rule_id.startswith(i)), None)


def suppressions(text: str) -> list[Suppression]:
    """Every suppression comment of a file, in order."""
    if "corslint" not in text and "noqa" not in text.lower():
        return []
    found: list[Suppression] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if "corslint" in line:
            for match in _SUPPRESSION.finditer(line):
                raw = match.group(1)
                ids: tuple[str, ...] | None = None
                if raw is not None:  # a malformed list (`[CORS-101`) suppresses nothing
                    listed = _IDS.fullmatch(raw)
                    ids = tuple(i.strip().upper() for i in (listed.group(1) if listed else "").split(","))
                    ids = tuple(i for i in ids if i)
                found.append(Suppression(number, match.start() + 1, ids, match.group(0)))
        if "noqa" in line.lower():
            for match in _NOQA.finditer(line):
                codes = tuple(c.upper() for c in re.split(r"[\s,]+", match.group(1)) if c)
                ours = tuple(c for c in codes if c.startswith("CORS"))
                if ours:
                    found.append(Suppression(number, match.start() + 1, ours, match.group(0)))
    return found


def suppressing(finding: Finding, comments: Iterable[Suppression]) -> tuple[Suppression, str] | None:
    """The comment that suppresses `finding` (on its line or the line above), and the id
    through which it does; None if there is none."""
    line = finding.location.line
    for comment in comments:
        if comment.line in (line, line - 1):
            through = comment.covers(finding.rule_id)
            if through is not None:
                return comment, through
    return None


def suppressed(finding: Finding, text: str | None) -> bool:
    """`corslint: ignore[ID]` or `noqa: ID` on the finding's line or the line above; bare
    `corslint: ignore` = every rule. `text` is the finding's file (None: it could not be
    read, so nothing is suppressed)."""
    if text is None:
        return False
    return suppressing(finding, suppressions(text)) is not None


def suppression_problems(
    display: str,
    comments: Iterable[Suppression],
    used: Mapping[Suppression, set[str]],
    known_ids: Sequence[str],
    judged: RuleFilter,
) -> list[Diagnostic]:
    """CORS004 for the suppression comments of one file that name no corslint rule, or
    that suppressed nothing in a run that judged what they name (ruff's RUF100). A comment
    that names CORS004 itself is never reported as unused."""
    problems: list[Diagnostic] = []
    for comment in comments:
        where = Location(
            display, comment.line, comment.column, comment.line, comment.column + len(comment.spelling)
        )
        ids = comment.ids
        through = used.get(comment, set())
        if ids is None:
            if not through:
                problems.append(Diagnostic("CORS004", f"`{comment.spelling}` suppresses nothing here", where))
            continue
        if not ids:
            problems.append(Diagnostic("CORS004", f"`{comment.spelling}` names no rule", where))
            continue
        for item in ids:
            if not any(rule_id.startswith(item) for rule_id in known_ids):
                problems.append(
                    Diagnostic(
                        "CORS004",
                        f"`{comment.spelling}` names `{item}`, which is not a corslint rule id",
                        where,
                    )
                )
            elif (
                item not in through
                and "CORS004" not in ids
                and any(judged(rule_id) for rule_id in known_ids if rule_id.startswith(item))
            ):
                problems.append(
                    Diagnostic(
                        "CORS004",
                        f"`{comment.spelling}`: no {item} finding on this line or the next to suppress",
                        where,
                    )
                )
    return problems


def exit_code(findings: Iterable[Finding], fail_level: Level) -> int:
    """1 for a finding at or above the fail level, or for CORS001 at any level: a file
    that could not be analysed never leaves a run green."""
    return 1 if any(f.level.rank >= fail_level.rank or f.rule_id == "CORS001" for f in findings) else 0
