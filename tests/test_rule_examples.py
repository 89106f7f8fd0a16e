"""Every rule's bad examples are reported by it and its good examples are not."""

from __future__ import annotations

from pathlib import Path

import pytest

from corslint.rules import RULES
from corslint.rules.base import Example, Rule
from tests.conftest import run_lint

CASES = [
    pytest.param(
        rule, example, expected, id=f"{rule.id}-{'bad' if expected else 'good'}{index}-{example.framework}"
    )
    for rule in RULES
    for expected, examples in ((True, rule.bad), (False, rule.good))
    for index, example in enumerate(examples)
]


@pytest.mark.parametrize(("rule", "example", "expected"), CASES)
def test_example(rule: Rule, example: Example, expected: bool, in_tmp: Path) -> None:
    target = in_tmp / "project" / example.file_name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(example.code, "utf-8")
    if example.framework != "corslint":
        (in_tmp / "project" / ".corslint.toml").write_text("", "utf-8")
    result = run_lint(in_tmp / "project")
    ids = [f.rule_id for f in result.findings]
    if expected:
        assert rule.id in ids, f"{rule.id} did not fire on its bad example; got {ids}"
    else:
        assert rule.id not in ids, (
            f"{rule.id} fired on its good example: {[f.message for f in result.findings]}"
        )
