"""GitHub Actions workflow commands: one annotation per finding, its path from the
repository's top (where GitHub resolves it, wherever corslint ran)."""

from __future__ import annotations

from corslint.findings import Level
from corslint.report.context import ReportContext, visible

_COMMAND = {Level.ERROR: "error", Level.WARNING: "warning", Level.NOTE: "notice"}


def _escape_data(text: str) -> str:
    """GitHub's own escapes for a command's message, then every other control character
    shown as an escape: an ESC sequence in a snippet is no business of a CI log's."""
    return visible(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(context: ReportContext) -> str:
    lines = []
    for finding in context.result.findings:
        loc = finding.location
        title = f"{finding.rule_id} {finding.rule_name}"
        path = context.from_root(loc.path) or loc.path
        # columns only on a one-line range: GitHub's annotations ignore or misplace them
        # on a range over several lines, and its documentation says not to set them there
        if loc.end_line <= loc.line:
            span = [
                f"col={loc.column}",
                f"endLine={loc.line}",
                f"endColumn={max(loc.end_column, loc.column)}",
            ]
        else:
            span = [f"endLine={loc.end_line}"]
        properties = [f"file={_escape_property(path)}", f"line={loc.line}", *span]
        properties.append(f"title={_escape_property(title)}")
        message = f"{finding.message} ({context.settings.docs_link(finding.rule_id)})"
        lines.append(f"::{_COMMAND[finding.level]} {','.join(properties)}::{_escape_data(message)}")
    return "\n".join(lines) + ("\n" if lines else "")
