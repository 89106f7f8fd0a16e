"""Machine-readable findings, every field included; the shape is published as
docs/json-schema.json (tests validate every report against it)."""

from __future__ import annotations

import json
from typing import Any

from corslint import __version__
from corslint.findings import Finding, Location
from corslint.report.context import ReportContext, counts
from corslint.report.fingerprints import SourceFiles, stable_fingerprints

SCHEMA_URL = "https://github.com/corslint/corslint/blob/main/docs/json-schema.json"


def location_dict(location: Location) -> dict[str, Any]:
    return {
        "path": location.path,
        "line": location.line,
        "column": location.column,
        "end_line": location.end_line,
        "end_column": location.end_column,
    }


def finding_dict(finding: Finding, context: ReportContext, fingerprint: str) -> dict[str, Any]:
    return {
        "rule_id": finding.rule_id,
        "rule_name": finding.rule_name,
        "level": finding.level.value,
        "message": finding.message,
        "framework": finding.framework or None,
        **location_dict(finding.location),
        "related": [{**location_dict(r.location), "message": r.message} for r in finding.related],
        "url": context.settings.docs_link(finding.rule_id),
        "fingerprint": fingerprint,
        "fix": fix_dict(finding),
    }


def fix_dict(finding: Finding) -> dict[str, Any] | None:
    """The finding's fix, if it has one: each edit's span (offsets count characters) and text."""
    fix = finding.fix
    if fix is None:
        return None
    return {
        "description": fix.description,
        "safe": fix.safe,
        "edits": [
            {**location_dict(e.location), "start": e.start, "end": e.end, "replacement": e.replacement}
            for e in fix.edits
        ],
    }


def render(context: ReportContext) -> str:
    result = context.result
    findings = result.findings
    shown_as = context.fingerprint_names({f.location.path for f in findings})
    fingerprints = stable_fingerprints(findings, shown_as, SourceFiles())
    document = {
        "$schema": SCHEMA_URL,
        "tool": "corslint",
        "version": __version__,
        "findings": [finding_dict(f, context, p) for f, p in zip(findings, fingerprints, strict=True)],
        "summary": {
            **counts(findings),
            "files_checked": result.stats.files_seen,
            "files_parsed": result.stats.files_parsed,
            "policies": result.stats.policies,
            "skipped": [{"path": s.path, "reason": s.reason} for s in result.skipped],
        },
    }
    return json.dumps(document, indent=2) + "\n"
