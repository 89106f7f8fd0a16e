"""GitHub Actions workflow commands: one annotation per finding."""

from __future__ import annotations

from corslint.findings import Level
from corslint.report.context import ReportContext

_COMMAND = {Level.ERROR: "error", Level.WARNING: "warning", Level.NOTE: "notice"}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(context: ReportContext) -> str:
    lines = []
    for finding in context.result.findings:
        loc = finding.location
        title = f"{finding.rule_id} {finding.rule_name}"
        properties = ",".join(
            [
                f"file={_escape_property(loc.path)}",
                f"line={loc.line}",
                f"col={loc.column}",
                f"endLine={loc.end_line}",
                f"endColumn={loc.end_column}",
                f"title={_escape_property(title)}",
            ]
        )
        message = f"{finding.message} ({context.settings.docs_link(finding.rule_id)})"
        lines.append(f"::{_COMMAND[finding.level]} {properties}::{_escape_data(message)}")
    return "\n".join(lines) + ("\n" if lines else "")
