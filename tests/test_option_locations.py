"""Where an option's finding is reported when its value is defined elsewhere (RULES.md,
"Shared conventions"): at the call that uses it, naming the definition as related; a
misspelt keyword at the keyword, even when its value comes from a TOML file."""

from __future__ import annotations

from pathlib import Path

import pytest

from corslint.findings import Finding
from tests.conftest import FIXTURES, run_lint


def _findings(project: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, list[Finding]]:
    monkeypatch.chdir(FIXTURES / project)
    found: dict[str, list[Finding]] = {}
    for finding in run_lint(Path(".")).findings:
        found.setdefault(finding.rule_id, []).append(finding)
    return found


def test_value_from_another_module_is_reported_at_the_call(monkeypatch: pytest.MonkeyPatch) -> None:
    found = _findings("starlette/options_from_config_module", monkeypatch)
    (credentialed,) = found["CORS101"]
    assert (credentialed.location.path, credentialed.location.line) == ("gallery/main.py", 10)
    assert ("gallery/config.py", 4) in {(r.location.path, r.location.line) for r in credentialed.related}
    (headers,) = found["CORS204"]
    assert headers.location.line == 13
    assert ("gallery/config.py", 7) in {(r.location.path, r.location.line) for r in headers.related}


def test_misspelt_keyword_with_a_toml_value_is_reported_at_the_keyword(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    found = _findings("starlette/misspelt_keyword_toml_value", monkeypatch)
    (typo,) = found["CORS307"]
    assert (typo.location.path, typo.location.line, typo.location.column) == ("tiles/app.py", 13, 9)
