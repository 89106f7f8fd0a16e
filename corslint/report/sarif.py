"""SARIF 2.1.0 for code scanning: rules with their help, results, and tool notifications.

What GitHub code scanning needs to place and track a result: paths relative to the
repository's top (`%SRCROOT%`, given in `originalUriBaseIds`), whatever folder corslint
ran in; `partialFingerprints.primaryLocationLineHash` as GitHub's upload action computes
it (so the action has nothing to add, and a result keeps its identity when unrelated
lines move), beside corslint's own fingerprint; a category per upload
(`automationDetails.id`); `security-severity` only with the `security` tag, without
which GitHub ignores it; and `executionSuccessful: false` when anything could not be
checked, so that a partial analysis never looks like a clean one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from corslint import __version__
from corslint.findings import Finding, Location
from corslint.report.context import ReportContext
from corslint.report.fingerprints import SourceFiles, stable_fingerprints

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/corslint/corslint"
ROOT_BASE = "%SRCROOT%"
# a file that could not be checked: a notification that fails the execution, not a result
NOT_CHECKED = frozenset({"CORS001"})
# corslint's own configuration is invalid: a result (so that it is seen and fails the
# gate) and a configuration notification, and the execution is not successful
CONFIGURATION = frozenset({"CORS002"})


def _artifact(path: str, context: ReportContext) -> dict[str, Any]:
    relative = context.from_root(path)
    if relative is None:  # outside the repository: GitHub cannot place it, but it is exact
        return {"uri": Path(path).resolve().as_uri()}
    return {"uri": relative, "uriBaseId": ROOT_BASE}


def _physical(location: Location, context: ReportContext) -> dict[str, Any]:
    return {
        "artifactLocation": _artifact(location.path, context),
        "region": {
            "startLine": location.line,
            "startColumn": location.column,
            "endLine": max(location.end_line, location.line),
            "endColumn": max(location.end_column, location.column + 1)
            if location.end_line <= location.line
            else location.end_column,
        },
    }


def _fix(finding: Finding, context: ReportContext) -> dict[str, Any]:
    """The finding's fix as SARIF replacements (an empty deleted region inserts)."""
    assert finding.fix is not None
    by_path: dict[str, list[dict[str, Any]]] = {}
    for edit in finding.fix.edits:
        region = edit.location
        by_path.setdefault(region.path, []).append(
            {
                "deletedRegion": {
                    "startLine": region.line,
                    "startColumn": region.column,
                    "endLine": region.end_line,
                    "endColumn": region.end_column,
                },
                "insertedContent": {"text": edit.replacement},
            }
        )
    safety = "safe" if finding.fix.safe else "unsafe: may change what the application does"
    return {
        "description": {"text": f"{finding.fix.description} ({safety})"},
        "artifactChanges": [
            {"artifactLocation": _artifact(path, context), "replacements": replacements}
            for path, replacements in by_path.items()
        ],
    }


def rule_descriptor(rule: Any, context: ReportContext) -> dict[str, Any]:
    explanation = rule.explanation()
    tags = [*rule.tags, *(f"external/cwe/cwe-{cwe}" for cwe in rule.cwe)]
    properties: dict[str, Any] = {"tags": tags, "precision": "high"}
    if rule.security_severity is not None and rule.id.startswith("CORS1"):
        properties["security-severity"] = f"{rule.security_severity:.1f}"
        if "security" not in tags:  # GitHub reads a security-severity only beside this tag
            tags.insert(0, "security")
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


def render(context: ReportContext) -> str:
    from corslint.rules import RULES

    rules = list(RULES)
    index = {rule.id: position for position, rule in enumerate(rules)}
    sources = SourceFiles()
    findings = context.result.findings

    def notification(finding: Finding, level: str) -> dict[str, Any]:
        return {
            "level": level,
            "message": {"text": finding.message},
            "locations": [{"physicalLocation": _physical(finding.location, context)}],
            "associatedRule": {"id": finding.rule_id, "index": index[finding.rule_id]},
        }

    execution = [notification(f, "error") for f in findings if f.rule_id in NOT_CHECKED]
    configuration = [notification(f, "error") for f in findings if f.rule_id in CONFIGURATION]
    execution += [
        {"level": "note", "message": {"text": f"{skipped.path}: {skipped.reason}"}}
        for skipped in context.result.skipped
    ]
    reported = [f for f in findings if f.rule_id not in NOT_CHECKED]
    shown_as = context.fingerprint_names({f.location.path for f in reported})
    fingerprints = stable_fingerprints(reported, shown_as, sources)
    results = []
    for finding, fingerprint in zip(reported, fingerprints, strict=True):
        partial = {"corslint/v1": fingerprint}
        line_hash = sources.line_hash(finding.location.path, finding.location.line)
        if line_hash is not None:
            partial["primaryLocationLineHash"] = line_hash
        result: dict[str, Any] = {
            "ruleId": finding.rule_id,
            "ruleIndex": index[finding.rule_id],
            "level": finding.level.value,
            "message": {"text": finding.message},
            "locations": [{"physicalLocation": _physical(finding.location, context)}],
            "partialFingerprints": partial,
        }
        if finding.related:
            result["relatedLocations"] = [
                {
                    "id": number,
                    "physicalLocation": _physical(r.location, context),
                    "message": {"text": r.message},
                }
                for number, r in enumerate(finding.related, start=1)
            ]
        if finding.framework:
            result["properties"] = {"framework": finding.framework}
        if finding.fix is not None:
            result["fixes"] = [_fix(finding, context)]
        results.append(result)
    invocation: dict[str, Any] = {
        "executionSuccessful": not any(
            f.rule_id in NOT_CHECKED or f.rule_id in CONFIGURATION for f in findings
        ),
        "toolExecutionNotifications": execution,
    }
    if configuration:
        invocation["toolConfigurationNotifications"] = configuration
    root = Path(context.root).resolve() if context.root else Path.cwd().resolve()
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "corslint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [rule_descriptor(rule, context) for rule in rules],
            }
        },
        "automationDetails": {"id": context.category},
        "invocations": [invocation],
        "originalUriBaseIds": {ROOT_BASE: {"uri": root.as_uri().rstrip("/") + "/"}},
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    return json.dumps({"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2) + "\n"
