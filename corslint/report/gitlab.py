"""GitLab's code quality report (a JSON list of issues) for merge request widgets, paths
from the repository's top as GitLab resolves them."""

from __future__ import annotations

import json
from typing import Any

from corslint.findings import Level
from corslint.report.context import ReportContext
from corslint.report.fingerprints import SourceFiles, stable_fingerprints

# GitLab's severities: info, minor, major, critical, blocker
SEVERITY = {Level.ERROR: "critical", Level.WARNING: "major", Level.NOTE: "info"}


def render(context: ReportContext) -> str:
    findings = context.result.findings
    shown_as = {path: context.from_root(path) or path for path in {f.location.path for f in findings}}
    fingerprints = stable_fingerprints(
        findings, context.fingerprint_names({f.location.path for f in findings}), SourceFiles()
    )
    issues: list[dict[str, Any]] = []
    for finding, fingerprint in zip(findings, fingerprints, strict=True):
        location = finding.location
        issues.append(
            {
                "type": "issue",
                "check_name": finding.rule_id,
                "description": f"{finding.rule_id} {finding.message}",
                "content": {"body": context.settings.docs_link(finding.rule_id)},
                "categories": ["Security"] if finding.rule_id.startswith("CORS1") else ["Bug Risk"],
                "severity": SEVERITY[finding.level],
                "fingerprint": fingerprint,
                "location": {
                    "path": shown_as[location.path],
                    "positions": {
                        "begin": {"line": location.line, "column": location.column},
                        "end": {"line": max(location.end_line, location.line), "column": location.end_column},
                    },
                },
            }
        )
    return json.dumps(issues, indent=2) + "\n"
