"""SARIF 2.1.0 for code scanning: rules with their help, results, and tool notifications."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from corslint import __version__
from corslint.findings import Finding, Location
from corslint.report.context import ReportContext

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/corslint/corslint"
DIAGNOSTICS = frozenset({"CORS001"})  # reported as tool execution notifications


def _artifact(path: str) -> dict[str, Any]:
    candidate = Path(path)
    if candidate.is_absolute():
        return {"uri": candidate.as_uri()}
    return {"uri": Path(path).as_posix(), "uriBaseId": "%SRCROOT%"}


def _physical(location: Location) -> dict[str, Any]:
    return {
        "artifactLocation": _artifact(location.path),
        "region": {
            "startLine": location.line,
            "startColumn": location.column,
            "endLine": max(location.end_line, location.line),
            "endColumn": max(location.end_column, location.column + 1)
            if location.end_line <= location.line
            else location.end_column,
        },
    }


def _rule_descriptor(rule: Any, context: ReportContext) -> dict[str, Any]:
    explanation = rule.explanation()
    properties: dict[str, Any] = {
        "tags": [*rule.tags, *(f"external/cwe/cwe-{cwe}" for cwe in rule.cwe)],
        "precision": "high",
    }
    if rule.security_severity is not None and rule.id.startswith("CORS1"):
        properties["security-severity"] = f"{rule.security_severity:.1f}"
    first_paragraph = explanation.split("## Why is this bad?")[0].replace("## What it does", "").strip()
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": " ".join(first_paragraph.split())},
        "help": {"text": explanation, "markdown": explanation},
        "helpUri": context.settings.docs_link(rule.id),
        "defaultConfiguration": {"level": rule.level.value},
        "properties": properties,
    }


def fingerprint(finding: Finding, line_text: str, occurrence: int) -> str:
    """Stable across unrelated line shifts: the rule, the file, the line's text, its repeat index."""
    material = "\0".join(
        [finding.rule_id, finding.location.path, " ".join(line_text.split()), str(occurrence)]
    )
    return hashlib.sha256(material.encode()).hexdigest()[:32]


def render(context: ReportContext) -> str:
    from corslint.rules import RULES

    rules = list(RULES)
    index = {rule.id: position for position, rule in enumerate(rules)}
    sources: dict[str, list[str]] = {}
    seen: dict[tuple[str, str, str], int] = {}
    results: list[dict[str, Any]] = []
    notifications: list[dict[str, Any]] = []
    for finding in context.result.findings:
        if finding.rule_id in DIAGNOSTICS:
            notifications.append(
                {
                    "descriptor": {"id": finding.rule_id, "index": index[finding.rule_id]},
                    "level": finding.level.value,
                    "message": {"text": finding.message},
                    "locations": [{"physicalLocation": _physical(finding.location)}],
                }
            )
            continue
        line_text = _source_line(sources, finding.location)
        key = (finding.rule_id, finding.location.path, " ".join(line_text.split()))
        seen[key] = seen.get(key, 0) + 1
        result: dict[str, Any] = {
            "ruleId": finding.rule_id,
            "ruleIndex": index[finding.rule_id],
            "level": finding.level.value,
            "message": {"text": finding.message},
            "locations": [{"physicalLocation": _physical(finding.location)}],
            "partialFingerprints": {"corslint/v1": fingerprint(finding, line_text, seen[key])},
        }
        if finding.related:
            result["relatedLocations"] = [
                {"id": number, "physicalLocation": _physical(r.location), "message": {"text": r.message}}
                for number, r in enumerate(finding.related, start=1)
            ]
        if finding.framework:
            result["properties"] = {"framework": finding.framework}
        results.append(result)
    for skipped in context.result.skipped:
        notifications.append({"level": "note", "message": {"text": f"{skipped.path}: {skipped.reason}"}})
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "corslint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [_rule_descriptor(rule, context) for rule in rules],
            }
        },
        "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
        "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().resolve().as_uri() + "/"}},
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    return json.dumps({"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2) + "\n"


def _source_line(sources: dict[str, list[str]], location: Location) -> str:
    if location.path not in sources:
        try:
            sources[location.path] = Path(location.path).read_text("utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            sources[location.path] = []
    lines = sources[location.path]
    return lines[location.line - 1] if 1 <= location.line <= len(lines) else ""
