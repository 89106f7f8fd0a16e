"""Differential truth for a hand-written Starlette middleware whose CORS arm a test on the
requested path picks (python_headers/path_choices.py), added by helpers to an app that
has CORSMiddleware too (python_headers/helper_apps.py), on the real Starlette / FastAPI
in /work/venv.

python_headers/starlette_dispatch_path_list_reflects_in_helpers (the shape of reddts/
AI_quantrade fastapi-backend/middlewares/client_auth.py): `DepotGate` echoes the Origin
with credentials on the paths of an operator's list (`DEPOT_OPEN_PREFIXES`, unknown to
corslint), answers other preflights itself with the echo, and echoes it on every keyed
answer. Whatever the list holds, any website reads credentialed answers (CORS101), and
on the open paths the gate (added last, so outermost) replaces what CORSMiddleware wrote
(CORS302)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from corslint.http import Request
from corslint.rules.base import PolicyProbe
from tests.conftest import FIXTURES, run_lint
from tests.python_apps import fixture_module

PROJECT = FIXTURES / "python_headers" / "starlette_dispatch_path_list_reflects_in_helpers"
ATTACKER = "https://attacker.invalid"
SHOP = "https://shop.depot.example.net"


@pytest.fixture()
def client(monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("DEPOT_OPEN_PREFIXES", "/catalog")
    monkeypatch.setenv("DEPOT_API_KEYS", "k-1")
    with fixture_module(PROJECT, "depot.main", {"depot"}) as module:
        yield TestClient(module.app)


def _origins(response: object) -> list[str]:
    return response.headers.get_list("access-control-allow-origin")  # type: ignore[attr-defined]


def test_every_arm_echoes_any_origin_with_credentials(client: TestClient) -> None:
    for origin in (ATTACKER, SHOP):
        # an open path: CORSMiddleware (inner) answers for its one origin, the gate writes over it
        open_answer = client.get("/catalog/items", headers={"Origin": origin, "Cookie": "s=1"})
        assert open_answer.status_code == 200
        assert _origins(open_answer) == [origin]
        assert open_answer.headers.get_list("access-control-allow-credentials") == ["true"]
        # another path: the gate's own preflight answer, then a keyed request
        asked = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "x-api-key"}
        preflight = client.options("/orders", headers={"Origin": origin, **asked})
        assert preflight.status_code == 204 and _origins(preflight) == [origin]
        assert preflight.headers["access-control-allow-credentials"] == "true"
        keyed = client.post("/orders", json={}, headers={"Origin": origin, "X-Api-Key": "k-1"})
        assert keyed.status_code == 200 and _origins(keyed) == [origin]
        assert keyed.headers["access-control-allow-credentials"] == "true"


def test_open_paths_preflights_reach_cors_middleware(client: TestClient) -> None:
    asked = {"Access-Control-Request-Method": "POST"}
    refused = client.options("/catalog/items", headers={"Origin": ATTACKER, **asked})
    assert refused.status_code == 400  # CORSMiddleware refused it; the gate's echo does not help
    assert _origins(refused) == [ATTACKER]


def test_corslint_judges_the_reflection_and_the_two_layers() -> None:
    result = run_lint(PROJECT)
    found = {(f.rule_id, f.location.path.rsplit("/", 1)[-1], f.location.line) for f in result.findings}
    assert ("CORS101", "gate.py", 18) in found
    assert ("CORS302", "gate.py", 18) in found
    assert not any(rule == "CORS305" for rule, _, _ in found)
    gate = next(p for p in result.policies if p.framework == "starlette_headers")
    library = next(p for p in result.policies if p.framework == "starlette")
    assert gate.app == library.app  # the helpers' app: server.py's `app` in the real project
    model = PolicyProbe(gate).respond(Request("GET", ATTACKER, path="/catalog/items"))
    assert model is not None
    assert model.get("access-control-allow-origin") == ATTACKER
    assert model.get("access-control-allow-credentials") == "true"
