"""Differential truth for two set-20 Python fixes (POST20-PY), measured with the installed
Starlette on the fixtures' own apps.

- python_headers/starlette_package_route_echo_under_branched_cors (Gahroot/the-tribunal
  _lead_form.py:371): a route of a separately packaged router writes the caller's checked
  origin into Allow-Origin; the app adds CORSMiddleware in both arms of an `if`, and the
  middleware joins "Origin" onto `Vary` of every answer, so no CORS107.
- starlette/cors_helper_reexported_patch_routes (MohmdFo/kong-auth app/middleware/cors.py:36):
  CORSMiddleware is added by a helper re-exported through a package `__init__`; the app's
  router has a PATCH route that the methods list leaves out, so its preflight gets 400.
- python_headers/starlette_view_raise_guards_echoed_origin (Gahroot/the-tribunal
  _lead_form.py:366-371, 424-509): `if not <check>(request, ...): raise HTTPException(403)`
  ends the view, so the Origin echoed below it reaches only origins the check admits: no
  CORS105 ("answers any Origin"), a CORS305 note at the check it cannot read."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from types import ModuleType

import pytest
from starlette.testclient import TestClient

from tests.conftest import FIXTURES, run_lint

BADGE = FIXTURES / "python_headers" / "starlette_package_route_echo_under_branched_cors"
KIOSK = FIXTURES / "python_headers" / "starlette_view_raise_guards_echoed_origin"
LEDGER = FIXTURES / "starlette" / "cors_helper_reexported_patch_routes"
PARTNER = "https://glacierguides.example.is"
_FIXTURE_PACKAGES = frozenset({"gateway", "partner_badge", "journal", "venuehours"})


@pytest.fixture
def isolated_imports() -> Iterator[None]:
    path = list(sys.path)
    yield
    sys.path[:] = path
    for name in [m for m in sys.modules if m.split(".")[0] in _FIXTURE_PACKAGES]:
        del sys.modules[name]


def _badge_app(monkeypatch: pytest.MonkeyPatch, preview: bool) -> ModuleType:
    monkeypatch.setenv("GATEWAY_PREVIEW_HOSTS", "1" if preview else "0")
    sys.path[:0] = [str(BADGE), str(BADGE / "packages" / "partner-badge" / "src")]
    return importlib.import_module("gateway.main")


def _vary(response: object) -> list[str]:
    lines = response.headers.get_list("vary")  # type: ignore[attr-defined]
    return [part.strip() for line in lines for part in line.split(",")]


@pytest.mark.usefixtures("isolated_imports")
@pytest.mark.parametrize("preview", [False, True])
def test_a_routes_echoed_origin_leaves_with_the_middlewares_vary(
    monkeypatch: pytest.MonkeyPatch, preview: bool
) -> None:
    client = TestClient(_badge_app(monkeypatch, preview).app)
    response = client.get("/badge/glacier", headers={"Origin": PARTNER})
    assert response.headers.get_list("access-control-allow-origin") == [PARTNER]
    assert "Origin" in _vary(response)
    other = client.get("/badge/fjord", headers={"Origin": "https://fjordtours.example.no"})
    assert other.headers["access-control-allow-origin"] == "https://fjordtours.example.no"
    assert "Origin" in _vary(other)


def test_corslint_reports_no_cors107_on_the_route() -> None:
    assert [f for f in run_lint(BADGE).findings if f.rule_id == "CORS107"] == []


@pytest.mark.usefixtures("isolated_imports")
def test_the_patch_routes_preflight_is_refused() -> None:
    sys.path.insert(0, str(LEDGER))
    client = TestClient(importlib.import_module("journal.main").app)
    origin = "https://books.example.org"
    patch = client.options("/entries/1", headers={"Origin": origin, "Access-Control-Request-Method": "PATCH"})
    assert patch.status_code == 400
    put = client.options("/entries/1", headers={"Origin": origin, "Access-Control-Request-Method": "PUT"})
    assert put.status_code == 200


def test_corslint_reports_cors202_at_the_helpers_methods() -> None:
    lines = [f.location.line for f in run_lint(LEDGER).findings if f.rule_id == "CORS202"]
    assert lines == [11]


@pytest.mark.usefixtures("isolated_imports")
def test_the_raise_refuses_unlisted_origins_before_the_echo() -> None:
    sys.path.insert(0, str(KIOSK))
    store = importlib.import_module("venuehours.store")
    store.register(store.Venue("harbour", ["cafe.example.dk"]))
    client = TestClient(importlib.import_module("venuehours.main").app)
    listed = client.get("/venues/harbour/hours", headers={"Origin": "https://cafe.example.dk"})
    assert listed.headers["access-control-allow-origin"] == "https://cafe.example.dk"
    refused = client.get("/venues/harbour/hours", headers={"Origin": "https://attacker.invalid"})
    assert refused.status_code == 403
    assert "access-control-allow-origin" not in refused.headers


def test_corslint_reports_a_note_not_any_origin_for_the_guarded_echo() -> None:
    found = [(f.rule_id, f.location.line) for f in run_lint(KIOSK).findings]
    assert found == [("CORS305", 14)]
