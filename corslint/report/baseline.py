"""A baseline: the findings a legacy codebase already has, so that a gate adopted today
fails only on what is new (`corslint baseline` writes it, `corslint check --baseline`
reads it).

Findings are matched by corslint's fingerprint (report/fingerprints.py), never by line:
a finding that moves with the code around it stays matched; one whose rule, option text
or message changes is new. A file corslint could not check (CORS001) and an invalid
configuration (CORS002) are reported whatever the baseline holds: a baseline never turns
a run green over something left unchecked."""

from __future__ import annotations

import json
import os
import stat
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from corslint import __version__
from corslint.findings import Finding
from corslint.report.context import ReportContext
from corslint.report.fingerprints import SourceFiles, stable_fingerprints

DEFAULT_BASELINE = "corslint-baseline.json"
FORMAT = 1
ALWAYS_REPORTED = frozenset({"CORS001", "CORS002"})
MAX_BASELINE_BYTES = 64 << 20  # a baseline of 100k findings is about 25 MB


class BaselineError(Exception):
    """A baseline that cannot be read or is not one (exit code 2)."""


def fingerprints_of(findings: Sequence[Finding], context: ReportContext) -> list[str]:
    shown_as = context.fingerprint_names({f.location.path for f in findings})
    return stable_fingerprints(findings, shown_as, SourceFiles())


def render(context: ReportContext) -> str:
    """The baseline of a run: each finding's fingerprint, with where it was and what it
    said for the people who read the file (matching uses the fingerprint alone)."""
    findings = [f for f in context.result.findings if f.rule_id not in ALWAYS_REPORTED]
    entries = [
        {
            "fingerprint": fingerprint,
            "rule_id": finding.rule_id,
            "path": context.from_root(finding.location.path) or finding.location.path,
            "line": finding.location.line,
            "message": finding.message,
        }
        for finding, fingerprint in zip(findings, fingerprints_of(findings, context), strict=True)
    ]
    document = {"tool": "corslint", "format": FORMAT, "version": __version__, "findings": entries}
    return json.dumps(document, indent=2) + "\n"


def load(path: Path) -> Counter[str]:
    """The fingerprints a baseline holds, each as many times as it was recorded."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise BaselineError(f"cannot read the baseline {path}: {error.strerror or error}") from None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_BASELINE_BYTES:
            raise BaselineError(f"{path} is not a baseline (not a regular file of at most 64 MB)")
        with os.fdopen(os.dup(descriptor), "rb") as handle:
            raw = handle.read(MAX_BASELINE_BYTES + 1)
    finally:
        os.close(descriptor)
    try:
        document: Any = json.loads(raw)
    except (ValueError, RecursionError) as error:
        raise BaselineError(f"{path} is not valid JSON: {error}") from None
    entries = document.get("findings") if isinstance(document, dict) else None
    if (
        not isinstance(document, dict)
        or document.get("tool") != "corslint"
        or not isinstance(entries, list)
        or not all(isinstance(e, dict) and isinstance(e.get("fingerprint"), str) for e in entries)
    ):
        raise BaselineError(f"{path} is not a corslint baseline (write one with `corslint baseline`)")
    if document.get("format") != FORMAT:
        raise BaselineError(
            f"{path} is a baseline of format {document.get('format')!r}; this corslint reads {FORMAT}"
        )
    return Counter(entry["fingerprint"] for entry in entries)


def new_findings(
    findings: Sequence[Finding], baseline: Counter[str], context: ReportContext
) -> list[Finding]:
    """The findings that the baseline does not hold (a fingerprint recorded twice matches
    two findings, not more)."""
    left = Counter(baseline)
    kept = []
    for finding, fingerprint in zip(findings, fingerprints_of(findings, context), strict=True):
        if finding.rule_id not in ALWAYS_REPORTED and left[fingerprint] > 0:
            left[fingerprint] -= 1
            continue
        kept.append(finding)
    return kept
