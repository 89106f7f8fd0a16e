"""Differential truth for set 21 (Afrisinc/auth-service `src/config/cors.ts`): @fastify/cors
registered with the options a project helper returns, `register(cors, corsOptionsForStage())`,
the helper picking one object per deployment stage
(extractors/express/helper_return_variants.py).

The fixture's app module is copied inside tests/node (the pinned fastify 5 and @fastify/cors
11) and built by tests/node/fastify_app_harness.mjs twice: as the harness starts it (NODE_ENV
`test`, the helper's non-production return) and through a small entry that sets
NODE_ENV=production and the partner list first (the last return). Each start sends what the
matching return says: the first reflects any Origin with credentials and a 172800 s Max-Age,
the second answers only a listed partner, with 43200 s. corslint judges both returns as two
configurations (CORS101 and CORS207 on the first, CORS305 and CORS207 on the second) where it
used to report the whole options object as unknown."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest

from corslint.http import Request
from tests.conftest import FIXTURES, run_lint
from tests.test_differential_express import NODE_DIR, require_node_package, run_harness, wire

PROJECT = FIXTURES / "fastify" / "options_helper_by_stage"
PARTNER = "https://menus.partner.example"
STRANGER = "https://stranger.example"


def _preflight(origin: str) -> Request:
    headers = (("access-control-request-method", "PUT"), ("access-control-request-headers", "content-type"))
    return Request("OPTIONS", origin, headers, path="/recipes/1")


REQUESTS = [_preflight(STRANGER), _preflight(PARTNER), Request("GET", STRANGER, path="/recipes")]

PRODUCTION_ENTRY = f"""console.info = () => {{}}; // the harness answers on stdout
process.env.NODE_ENV = "production";
process.env.PARTNER_ORIGINS = "{PARTNER}";
export {{ default }} from "./src/app.js";
"""


def _answers(production: bool) -> list[dict[str, Any]]:
    copy = Path(tempfile.mkdtemp(prefix=".fastify-", dir=NODE_DIR))
    try:
        shutil.copytree(PROJECT, copy / PROJECT.name)
        entry = copy / PROJECT.name / "src" / "app.js"
        if production:
            entry = copy / PROJECT.name / "production-entry.js"
            entry.write_text(PRODUCTION_ENTRY)
        case = {"name": "stage", "entry": str(entry), "requests": [wire(r) for r in REQUESTS]}
        return run_harness([case], "fastify_app_harness.mjs")["stage"]
    finally:
        shutil.rmtree(copy)


def _header(answer: dict[str, Any], wanted: str) -> list[str]:
    return [value for name, value in answer["headers"] if name.lower() == wanted]


def test_outside_production_the_first_return_reflects_every_origin() -> None:
    for needed in ("fastify", "@fastify/cors"):
        require_node_package(needed)
    stranger, partner, read = _answers(production=False)
    for answer, origin in ((stranger, STRANGER), (partner, PARTNER), (read, STRANGER)):
        assert _header(answer, "access-control-allow-origin") == [origin], answer
        assert _header(answer, "access-control-allow-credentials") == ["true"], answer
    assert _header(stranger, "access-control-max-age") == ["172800"], stranger


def test_in_production_the_last_return_answers_partners_only() -> None:
    for needed in ("fastify", "@fastify/cors"):
        require_node_package(needed)
    stranger, partner, read = _answers(production=True)
    assert _header(stranger, "access-control-allow-origin") == [], stranger
    assert _header(read, "access-control-allow-origin") == [], read
    assert _header(partner, "access-control-allow-origin") == [PARTNER], partner
    assert _header(partner, "access-control-max-age") == ["43200"], partner


def test_corslint_judges_each_return(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(PROJECT)  # linted from inside: `tests/` above it is the user's folder
    findings = run_lint(Path(".")).findings
    found = sorted((f.location.path.rsplit("/", 1)[-1], f.location.line, f.rule_id) for f in findings)
    assert found == [
        ("cors-options.js", 9, "CORS101"),
        ("cors-options.js", 12, "CORS207"),
        ("cors-options.js", 22, "CORS305"),
        ("cors-options.js", 26, "CORS207"),
    ], findings
