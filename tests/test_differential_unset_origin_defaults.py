"""Origins read from the environment with an empty default (SWEEP13 M1,
bani2016up/sae_single_repo: `os.getenv(K).split(",") if os.getenv(K) else []`), run by
Starlette (fixture starlette/env_conditional_empty_origins):

- unset, the app answers no origin, as corslint's model of the default does;
- set (the deployed case), the origins listed are answered, and every preflight they send
  carries the configured `Access-Control-Max-Age`, which corslint judges (CORS207) on a
  stand-in origin while it names the origins it could not read (CORS305)."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from corslint.frameworks.starlette import respond
from corslint.http import Request
from corslint.rules.probe import PolicyProbe
from corslint.rules.unset_origin_defaults import unset_admits_none
from tests.conftest import FIXTURES, policies_linted_inside

PROJECT = FIXTURES / "starlette" / "env_conditional_empty_origins"
PREFLIGHT = (("access-control-request-method", "PUT"),)


@pytest.fixture(autouse=True)
def _forget_fixture_modules() -> Iterator[None]:
    yield
    for name in [n for n in sys.modules if n.partition(".")[0] == "roster"]:
        del sys.modules[name]


def _client(monkeypatch: pytest.MonkeyPatch) -> TestClient:
    monkeypatch.syspath_prepend(str(PROJECT))
    return TestClient(importlib.import_module("roster.core.app").app)


def test_unset_admits_no_origin_as_modelled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ROSTER_SITES", raising=False)
    (policy,) = policies_linted_inside(PROJECT, "starlette")
    assert unset_admits_none(PolicyProbe(policy)) == ("allow_origins",)
    client = _client(monkeypatch)
    for origin in ("https://attacker.invalid", "https://rota.roster.example", "null"):
        for method, extra in (("GET", ()), ("OPTIONS", PREFLIGHT)):
            real = client.request(method, "/shifts", headers={"Origin": origin, **dict(extra)})
            ours = respond(policy, Request(method, origin, extra, path="/shifts"))
            for header in ("access-control-allow-origin", "access-control-max-age"):
                assert real.headers.get(header) == ours.get(header), (origin, method, header)


def test_set_sends_the_configured_max_age_to_the_listed_origins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROSTER_SITES", "https://rota.roster.example")
    (policy,) = policies_linted_inside(PROJECT, "starlette")
    probe = PolicyProbe(policy)
    functional = probe.functional
    assert functional is not probe  # judged with a stand-in origin, as an unknown list is
    answer = _client(monkeypatch).options(
        "/shifts", headers={"Origin": "https://rota.roster.example", **dict(PREFLIGHT)}
    )
    assert answer.headers.get("access-control-allow-origin") == "https://rota.roster.example"
    assert answer.headers.get("access-control-max-age") == str(policy.options["max_age"].raw)
    stand_in = functional.allowed_origin
    assert stand_in is not None
    ours = functional.respond(Request("OPTIONS", stand_in, PREFLIGHT, path="/shifts"))
    assert ours is not None and ours.get("access-control-max-age") == answer.headers.get(
        "access-control-max-age"
    )
