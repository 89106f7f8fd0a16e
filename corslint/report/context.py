"""What every renderer is given, and the tally they share."""

from __future__ import annotations

from dataclasses import dataclass

from corslint.findings import Finding
from corslint.runner.result import RunResult
from corslint.runner.settings import Settings


@dataclass(frozen=True)
class ReportContext:
    """What a renderer needs: the run's result, the settings, and how to present them."""

    result: RunResult
    settings: Settings
    color: bool = False
    statistics: bool = False


def counts(findings: list[Finding]) -> dict[str, int]:
    result = {"error": 0, "warning": 0, "note": 0}
    for finding in findings:
        result[finding.level.value] += 1
    return result
