"""An origin set built in steps: a set literal, then `.update(...)` with a generator over an
env list (`site.strip() for site in os.getenv("ATLAS_EXTRA_ORIGINS", "").split(",") if
site.strip()`), handed over as `sorted(...)` (fixture starlette/origin_set_updated_from_env_split).
The app, started with the variable unset, answers as corslint's model of the set answers."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from corslint.frameworks.starlette import respond
from corslint.http import Request
from tests.conftest import FIXTURES, sole_policy_inside

PROJECT = FIXTURES / "starlette" / "origin_set_updated_from_env_split"
ORIGINS = (
    "https://editor.atlas.example.org",
    "http://localhost:4200",
    "https://attacker.invalid",
    "https://editor.atlas.example.org.attacker.invalid",
)


@pytest.fixture(autouse=True)
def _forget_fixture_modules() -> Iterator[None]:
    # other fixtures have packages of the same names: none may be imported already
    for name in [n for n in sys.modules if n.partition(".")[0] == "atlas"]:
        del sys.modules[name]
    yield
    for name in [n for n in sys.modules if n.partition(".")[0] == "atlas"]:
        del sys.modules[name]


def test_the_updated_set_matches_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    policy = sole_policy_inside(PROJECT, "starlette")
    assert sorted(entry.raw for entry in policy.options["allow_origins"].raw) == [
        "http://localhost:4200",
        "https://editor.atlas.example.org",
    ]
    monkeypatch.delenv("ATLAS_EXTRA_ORIGINS", raising=False)
    monkeypatch.syspath_prepend(str(PROJECT))
    client = TestClient(importlib.import_module("atlas.main").app)
    for origin in ORIGINS:
        real = client.get("/layers", headers={"Origin": origin, "Cookie": "session=1"})
        ours = respond(policy, Request("GET", origin, (("cookie", "session=1"),), path="/layers"))
        for header in ("access-control-allow-origin", "access-control-allow-credentials", "vary"):
            assert real.headers.get(header) == ours.get(header), (origin, header)
