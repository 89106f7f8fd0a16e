"""The rules match the catalog's contract, carry complete docs, and docs/rules/ is current."""

from __future__ import annotations

import re

import pytest

from corslint.docs import expected_files
from corslint.findings import Level
from corslint.rules import RULES
from corslint.rules.base import SECTIONS, Rule
from tests.conftest import ROOT

# The contract of ../shared/RULES.md: id -> (name, level, raised with credentials)
CATALOG = {
    "CORS101": ("credentialed-any-origin", Level.ERROR, False),
    "CORS102": ("null-origin-allowed", Level.WARNING, True),
    "CORS103": ("insecure-origin", Level.WARNING, True),
    "CORS104": ("permissive-origin-pattern", Level.WARNING, True),
    "CORS105": ("any-origin", Level.WARNING, False),
    "CORS106": ("localhost-origin", Level.NOTE, False),
    "CORS107": ("reflection-without-vary", Level.WARNING, False),
    "CORS201": ("wildcard-with-credentials", Level.ERROR, False),
    "CORS202": ("method-not-allowed", Level.WARNING, False),
    "CORS203": ("content-type-not-allowed", Level.WARNING, False),
    "CORS204": ("authorization-not-allowed", Level.WARNING, False),
    "CORS205": ("wildcard-list-with-credentials", Level.WARNING, False),
    "CORS206": ("preflight-not-handled", Level.WARNING, False),
    "CORS207": ("ineffective-max-age", Level.NOTE, False),
    "CORS301": ("malformed-origin", Level.ERROR, False),
    "CORS302": ("duplicate-cors-layers", Level.WARNING, False),
    "CORS303": ("cors-not-active", Level.WARNING, False),
    "CORS304": ("deprecated-setting", Level.NOTE, False),
    "CORS305": ("unresolved-value", Level.NOTE, False),
    "CORS306": ("stateful-origin-pattern", Level.WARNING, False),
    "CORS307": ("unknown-option", Level.WARNING, False),
    "CORS001": ("parse-error", Level.WARNING, False),
    "CORS002": ("config-error", Level.ERROR, False),
    "CORS003": ("unsupported-cors-library", Level.NOTE, False),
    "CORS004": ("unused-suppression", Level.NOTE, False),
}


def test_every_catalog_rule_exists_once() -> None:
    ids = [rule.id for rule in RULES]
    assert sorted(ids) == sorted(CATALOG)
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_metadata_matches_catalog(rule: Rule) -> None:
    name, level, raised = CATALOG[rule.id]
    assert (rule.name, rule.level, rule.raised_with_credentials) == (name, level, raised)
    assert rule.summary and not rule.summary.endswith(".")
    if rule.id.startswith("CORS1"):
        assert rule.security_severity is not None and 0 < rule.security_severity <= 10
        assert rule.cwe


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_explanation_has_every_section(rule: Rule) -> None:
    text = rule.explanation()
    headings = re.findall(r"^## (.+)$", text, re.MULTILINE)
    assert headings == list(SECTIONS), f"{rule.id} sections: {headings}"
    assert "```" in text


def test_docs_are_generated_from_the_rules() -> None:
    directory = ROOT / "docs" / "rules"
    wanted = expected_files()
    present = {path.name for path in directory.glob("*.md")}
    assert present == set(wanted), "docs/rules is out of date: run `python -m corslint.docs`"
    for name, text in wanted.items():
        assert (directory / name).read_text("utf-8") == text, (
            f"docs/rules/{name} drifted: run `python -m corslint.docs`"
        )


def test_models_page_is_generated_from_the_framework_models() -> None:
    from corslint.docs import MODELS_PAGE, models_markdown

    assert (ROOT / MODELS_PAGE).read_text("utf-8") == models_markdown(), (
        f"{MODELS_PAGE} drifted: run `python -m corslint.docs`"
    )
