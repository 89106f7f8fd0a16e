"""Machine-readable findings, every field included."""

from __future__ import annotations

import json
from typing import Any

from corslint import __version__
from corslint.findings import Finding, Location
from corslint.report.context import ReportContext, counts


def location_dict(location: Location) -> dict[str, Any]:
    return {
        "path": location.path,
        "line": location.line,
        "column": location.column,
        "end_line": location.end_line,
        "end_column": location.end_column,
    }


def finding_dict(finding: Finding, context: ReportContext) -> dict[str, Any]:
    return {
        "rule_id": finding.rule_id,
        "rule_name": finding.rule_name,
        "level": finding.level.value,
        "message": finding.message,
        "framework": finding.framework or None,
        **location_dict(finding.location),
        "related": [{**location_dict(r.location), "message": r.message} for r in finding.related],
        "url": context.settings.docs_link(finding.rule_id),
    }


def render(context: ReportContext) -> str:
    result = context.result
    document = {
        "tool": "corslint",
        "version": __version__,
        "findings": [finding_dict(f, context) for f in result.findings],
        "summary": {
            **counts(result.findings),
            "files_checked": result.stats.files_seen,
            "files_parsed": result.stats.files_parsed,
            "policies": result.stats.policies,
            "skipped": [{"path": s.path, "reason": s.reason} for s in result.skipped],
        },
    }
    return json.dumps(document, indent=2) + "\n"
