"""Renderers: findings in, text out. Each format is one module with a `render` function."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from corslint.config import Settings
from corslint.findings import Finding
from corslint.lint import RunResult

FORMATS = ("text", "json", "sarif", "github")


@dataclass(frozen=True)
class ReportContext:
    """What a renderer needs: the run's result, the settings, and how to present them."""

    result: RunResult
    settings: Settings
    color: bool = False
    statistics: bool = False


def renderer(name: str) -> Callable[[ReportContext], str]:
    if name == "text":
        from corslint.report import text

        return text.render
    if name == "json":
        from corslint.report import json_report

        return json_report.render
    if name == "sarif":
        from corslint.report import sarif

        return sarif.render
    if name == "github":
        from corslint.report import github

        return github.render
    raise ValueError(name)


def counts(findings: list[Finding]) -> dict[str, int]:
    result = {"error": 0, "warning": 0, "note": 0}
    for finding in findings:
        result[finding.level.value] += 1
    return result
