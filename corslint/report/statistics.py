"""`--statistics`: how many findings each rule made, and nothing else (as ruff prints it):
a table, or a JSON list for `--output-format json`."""

from __future__ import annotations

import json

from corslint.report.context import ReportContext


def tally(context: ReportContext) -> list[tuple[str, str, str, int]]:
    """(rule id, rule name, level, count) for each rule with findings, most first."""
    counts: dict[tuple[str, str, str], int] = {}
    for finding in context.result.findings:
        key = (finding.rule_id, finding.rule_name, finding.level.value)
        counts[key] = counts.get(key, 0) + 1
    return sorted(((*key, n) for key, n in counts.items()), key=lambda row: (-row[3], row[0], row[2]))


def render(context: ReportContext) -> str:
    rows = tally(context)
    return "".join(f"{count:>5}  {rule_id}  {name}  [{level}]\n" for rule_id, name, level, count in rows)


def render_json(context: ReportContext) -> str:
    rows = [
        {"code": rule_id, "name": name, "level": level, "count": count}
        for rule_id, name, level, count in tally(context)
    ]
    return json.dumps(rows, indent=2) + "\n"
