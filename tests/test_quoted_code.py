"""Code quoted in a message reads on one line, however the project wrapped it."""

from __future__ import annotations

from pathlib import Path

import pytest

from corslint.rules.quoted_code import as_written
from tests.conftest import run_lint


@pytest.mark.parametrize(
    ("written", "quoted"),
    [
        (
            '(\n    "*"\n    if config.open\n    else config.origins\n)',
            '("*" if config.open else config.origins)',
        ),
        ('[\n  "https://a.example.com",\n  ORIGIN,\n]', '["https://a.example.com", ORIGIN,]'),
        ('",".join(ORIGINS + EXTRA)', '",".join(ORIGINS + EXTRA)'),
        ("settings.cors_origins", "settings.cors_origins"),
    ],
)
def test_a_wrapped_expression_is_quoted_on_one_line(written: str, quoted: str) -> None:
    assert as_written(written) == quoted


@pytest.mark.parametrize(
    ("written", "path", "quoted"),
    [
        (
            'isProd\n  ? [// production builds only allow HTTPS\n    "https://app.example.com"]\n  : ["*"]',
            "src/server.ts",
            'isProd ? ["https://app.example.com"] : ["*"]',
        ),
        ('[\n  "https://a.example.com",  // the shop\n]', "app.js", '["https://a.example.com",]'),
        (
            '[\n    "https://a.example.com",  # the shop\n    "https://b.example.com#x",\n]',
            "app.py",
            '["https://a.example.com", "https://b.example.com#x",]',
        ),
        ("rate // 2", "settings.py", "rate // 2"),
        ("IS_PROD ? [// prod builds only allow HT...", "src/api.ts", "IS_PROD ? [..."),
        ("'it\\'s // not a comment' + x", "app.js", "'it\\'s // not a comment' + x"),
    ],
)
def test_line_comments_are_dropped_not_run_into_the_code(written: str, path: str, quoted: str) -> None:
    assert as_written(written, path) == quoted


def test_an_unresolved_multi_line_value_is_named_on_one_line(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("fastapi==0.115.0\n")
    (tmp_path / "main.py").write_text(
        "import os\n"
        "from fastapi import FastAPI\n"
        "from fastapi.middleware.cors import CORSMiddleware\n"
        "\n"
        "app = FastAPI()\n"
        "app.add_middleware(\n"
        "    CORSMiddleware,\n"
        "    allow_origins=(\n"
        '        os.environ["ORIGINS"]\n'
        '        .split(",")\n'
        "    ),\n"
        ")\n"
    )
    notes = [f for f in run_lint(tmp_path).findings if f.rule_id == "CORS305"]
    assert notes, "the environment value without a default is a CORS305 note"
    for note in notes:
        assert "\n" not in note.message
        assert "  " not in note.message
