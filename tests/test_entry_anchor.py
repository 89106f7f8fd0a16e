"""Where an origin entry's finding points (rules/origin_entries.anchor_entry): at the entry
only where it is written inside the option itself; at the option that uses it, naming the
entry's line, wherever else it is written (RULES.md, "Shared conventions")."""

from __future__ import annotations

from pathlib import Path

import pytest

from corslint.findings import ENTRY_DEFINED_HERE, Finding
from tests.conftest import run_lint

STARLETTE = (
    "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n\napp = FastAPI()\n"
)


def _only(found: list[Finding], rule_id: str) -> Finding:
    matching = [f for f in found if f.rule_id == rule_id]
    assert len(matching) == 1, found
    return matching[0]


def _entries(finding: Finding) -> list[int]:
    return [r.location.line for r in finding.related if r.message == ENTRY_DEFINED_HERE]


CASES = {
    # the option's value literal spans the entry: the entry's own line
    "inside the option's list": (
        {
            "main.py": STARLETTE + "app.add_middleware(\n    CORSMiddleware,\n    allow_origins=[\n"
            '        "https://shop.example",\n        "http://localhost:5173",\n    ],\n)\n'
        },
        ("main.py", 9, []),
    ),
    # a variable in the same file: the option, naming the entry
    "variable in the option's file": (
        {
            "main.py": STARLETTE + 'SITES = [\n    "https://shop.example",\n    "http://localhost:5173",\n]\n'
            "app.add_middleware(CORSMiddleware, allow_origins=SITES)\n"
        },
        ("main.py", 9, [7]),
    ),
    # an environment default split in the same file (blind set 18's miss)
    "environment default in the option's file": (
        {
            "main.py": "import os\n"
            + STARLETTE
            + '_sites = os.getenv(\n    "SITES", "http://localhost:3000"\n'
            ').split(",")\napp.add_middleware(\n    CORSMiddleware,\n'
            "    allow_origins=[s.strip() for s in _sites],\n)\n"
        },
        ("main.py", 11, [6]),
    ),
    # Django's setting is the option: its entries are reported where they are written
    "Django settings list": (
        {
            "settings.py": 'INSTALLED_APPS = ["corsheaders"]\n'
            'MIDDLEWARE = ["corsheaders.middleware.CorsMiddleware", '
            '"django.middleware.common.CommonMiddleware"]\n'
            'CORS_ALLOWED_ORIGINS = [\n    "https://shop.example",\n    "http://localhost:5173",\n]\n'
        },
        ("settings.py", 5, []),
    ),
    # a config class's `CORS_ORIGINS = [` is the option too, though placed at its name
    "Flask config class list": (
        {
            "config.py": 'class Config:\n    CORS_ORIGINS = [\n        "https://shop.example",\n'
            '        "http://localhost:5173",\n    ]\n',
            "app.py": "from flask import Flask\nfrom flask_cors import CORS\n\n"
            'app = Flask(__name__)\napp.config.from_object("config.Config")\nCORS(app)\n',
        },
        ("config.py", 4, []),
    ),
}


@pytest.mark.parametrize(("files", "expected"), CASES.values(), ids=list(CASES))
def test_loopback_entry_finding_points_where_the_catalog_says(
    files: dict[str, str], expected: tuple[str, int, list[int]], in_tmp: Path
) -> None:
    for name, text in files.items():
        (in_tmp / name).write_text(text)
    finding = _only(run_lint(Path(".")).findings, "CORS106")
    path, line, entries = expected
    assert (finding.location.path, finding.location.line, _entries(finding)) == (path, line, entries)


def test_two_entries_of_a_variable_are_two_findings_at_the_option(in_tmp: Path) -> None:
    """Each entry is its own problem at the option, told apart by where it is defined."""
    (in_tmp / "main.py").write_text(
        STARLETTE + 'SITES = [\n    "http://localhost:3000",\n    "http://localhost:5173",\n]\n'
        "app.add_middleware(CORSMiddleware, allow_origins=SITES)\n"
    )
    found = [f for f in run_lint(Path(".")).findings if f.rule_id == "CORS106"]
    assert sorted((f.location.line, *_entries(f)) for f in found) == [(9, 6), (9, 7)]


def test_a_list_entry_the_library_itself_flags_is_reported_once(in_tmp: Path) -> None:
    """Falcon's own check names a `*` inside a list at the entry; CORS301 adds nothing at
    the option that uses the list (it did once the entry finding moved there)."""
    (in_tmp / "app.py").write_text(
        'import falcon\n\nALLOWED = ["*"]\n\n'
        "app = falcon.App(middleware=[falcon.CORSMiddleware(allow_origins=ALLOWED)])\n"
    )
    found = [(f.location.line, f.rule_id) for f in run_lint(Path(".")).findings if f.rule_id == "CORS301"]
    assert found == [(3, "CORS301")]
