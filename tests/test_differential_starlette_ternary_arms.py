"""CORSMiddleware options written as ternaries over one deployment setting: each arm is a
policy of its own. The fixture's app, imported with HOSTING unset and with HOSTING=netlify,
answers as corslint's model answers for the arm that environment takes."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from corslint.frameworks.starlette import respond
from corslint.http import Request
from tests.conftest import FIXTURES, policies_linted_inside

PROJECT = FIXTURES / "starlette" / "stage_ternary_arm_any_tenant"
STATEMENT_PROJECT = FIXTURES / "starlette" / "deployed_arm_of_if_statement"
ORIGINS = ("https://attacker.invalid", "https://anyone.netlify.app", "https://quiz.example.dev")


@pytest.fixture(autouse=True)
def _forget_fixture_modules() -> Iterator[None]:
    yield
    for name in [n for n in sys.modules if n.partition(".")[0] in {"quiz", "listings"}]:
        del sys.modules[name]


@pytest.mark.parametrize(("hosting", "arm"), [(None, "else@"), ("netlify", "if@")])
def test_each_arm_matches_the_app_started_so(
    monkeypatch: pytest.MonkeyPatch, hosting: str | None, arm: str
) -> None:
    policies = policies_linted_inside(PROJECT, "starlette")
    assert len(policies) == 2
    (policy,) = [p for p in policies if p.branch.startswith(arm)]
    if hosting is None:
        monkeypatch.delenv("HOSTING", raising=False)
    else:
        monkeypatch.setenv("HOSTING", hosting)
    monkeypatch.syspath_prepend(str(PROJECT))
    sys.modules.pop("quiz", None)
    client = TestClient(importlib.import_module("quiz").app)
    for origin in ORIGINS:
        real = client.get("/questions", headers={"Origin": origin, "Cookie": "session=1"})
        ours = respond(policy, Request("GET", origin, (("cookie", "session=1"),), path="/questions"))
        for header in ("access-control-allow-origin", "access-control-allow-credentials"):
            assert real.headers.get(header) == ours.get(header), (hosting, origin, header)


@pytest.mark.parametrize(("stage", "arm"), [(None, "if@"), ("production", "else@")])
def test_each_arm_of_an_if_statement_matches_the_app_started_so(
    monkeypatch: pytest.MonkeyPatch, stage: str | None, arm: str
) -> None:
    """`if settings.STAGE == "development": allowed = ["*"] else: allowed = settings.LIST`
    before the layer: each arm is the app started under that environment (census 6 P16)."""
    policies = policies_linted_inside(STATEMENT_PROJECT, "starlette")
    assert len(policies) == 2
    (policy,) = [p for p in policies if p.branch.startswith(arm)]
    if stage is None:
        monkeypatch.delenv("STAGE", raising=False)
    else:
        monkeypatch.setenv("STAGE", stage)
    monkeypatch.delenv("FRONTEND_ORIGINS", raising=False)
    monkeypatch.syspath_prepend(str(STATEMENT_PROJECT))
    client = TestClient(importlib.import_module("listings.main").app)
    for origin in ("https://attacker.invalid", "http://localhost:4200", "https://rooms.example.net"):
        real = client.get("/rooms", headers={"Origin": origin, "Cookie": "session=1"})
        ours = respond(policy, Request("GET", origin, (("cookie", "session=1"),), path="/rooms"))
        for header in ("access-control-allow-origin", "access-control-allow-credentials"):
            assert real.headers.get(header) == ours.get(header), (stage, origin, header)
