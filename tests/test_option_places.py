"""Where findings about one option stand: an unknown entry of a list written above the
call names the option that reads it (saru1406/scraping-fastapi backend/middleware.py), and
an aiohttp-cors finding about `allow_headers` stands at that keyword inside
`ResourceOptions(...)` (jindada1/Relaxion main.py), not at the whole `defaults` mapping."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FIXTURES, run_lint

STARLETTE_APP = """\
import os

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()

trusted = [os.getenv("PORTAL_ORIGIN")]

app.add_middleware(
    CORSMiddleware,
    allow_origins=trusted,
    allow_credentials=True,
)
"""


def test_an_unknown_entry_names_the_option_reading_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "main.py").write_text(STARLETTE_APP)
    monkeypatch.chdir(tmp_path)
    (finding,) = [f for f in run_lint(Path(".")).findings if f.rule_id == "CORS305"]
    assert finding.location.line == 8
    assert [(r.location.line, r.message) for r in finding.related] == [
        (12, "`allow_origins` is given this value here")
    ]


def test_an_unknown_value_in_the_call_names_nothing_more(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inline = STARLETTE_APP.replace("allow_origins=trusted", 'allow_origins=[os.getenv("PORTAL_ORIGIN")]')
    (tmp_path / "main.py").write_text(inline)
    monkeypatch.chdir(tmp_path)
    (finding,) = [f for f in run_lint(Path(".")).findings if f.rule_id == "CORS305"]
    assert finding.location.line == 12
    assert finding.related == ()


def test_aiohttp_cors_findings_stand_at_the_nested_keyword(monkeypatch: pytest.MonkeyPatch) -> None:
    project = FIXTURES / "aiohttp_cors" / "allow_headers_keyword_without_authorization"
    monkeypatch.chdir(project)
    lines = {f.rule_id: f.location.line for f in run_lint(Path(".")).findings}
    assert lines == {"CORS107": 16, "CORS204": 20}


def test_aiohttp_cors_keyword_written_for_two_origins_stays_at_the_mapping(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two origins' options each write `allow_headers`: which one a finding is about is
    not one place, so it stands at the mapping, as before."""
    (tmp_path / "app.py").write_text(
        "import aiohttp_cors\n"
        "from aiohttp import web\n"
        "\n"
        "app = web.Application()\n"
        "cors = aiohttp_cors.setup(\n"
        "    app,\n"
        "    defaults={\n"
        '        "https://a.example.net": aiohttp_cors.ResourceOptions(\n'
        '            allow_credentials=True, allow_headers=["Content-Type"]\n'
        "        ),\n"
        '        "https://b.example.net": aiohttp_cors.ResourceOptions(\n'
        '            allow_credentials=True, allow_headers=["X-Trace"]\n'
        "        ),\n"
        "    },\n"
        ")\n"
    )
    monkeypatch.chdir(tmp_path)
    found = [f for f in run_lint(Path(".")).findings if f.rule_id == "CORS204"]
    assert [f.location.line for f in found] == [7]
