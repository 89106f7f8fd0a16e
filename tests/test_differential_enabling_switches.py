"""A library CORS layer added only under a switch that is off by default (`if
settings.browser_access:`, `if os.getenv("REPORTS_PUBLIC", "no").lower() in (...)`, `if
os.environ.get("DEPLOY_TARGET", "lan") == "kiosk":`, an early `if os.getenv("AUDIT_PORTAL",
"internal") != "external": return` in the helper that adds it): the real app, started with the
switch at its default, sends no CORS header; started with it set, it answers as corslint's
model of the layer answers. corslint judges that layer and says so ("when BROWSER_ACCESS
is set"); it only reads the files."""

from __future__ import annotations

import ast
import importlib
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from corslint.extractors.context import ProjectContext
from corslint.extractors.python.enabling_switches import enabling_switches
from corslint.frameworks.flask_cors import respond as flask_cors_respond
from corslint.frameworks.starlette import respond as starlette_respond
from corslint.http import Request
from tests.conftest import FIXTURES, linted_inside, policies_linted_inside, run_lint

LEDGER = FIXTURES / "starlette" / "layer_off_by_default_switch"
KIOSK = FIXTURES / "flask" / "cors_only_in_kiosk_deployment"
ORIGINS = ("https://attacker.invalid", "https://books.example.org")
COOKIE = (("cookie", "session=1"),)
HEADERS = ("access-control-allow-origin", "access-control-allow-credentials")


@pytest.fixture(autouse=True)
def _forget_fixture_modules() -> Iterator[None]:
    # other fixtures have packages of the same names: none may be imported already
    for name in [n for n in sys.modules if n.partition(".")[0] in {"ledger", "frontdesk"}]:
        del sys.modules[name]
    yield
    for name in [n for n in sys.modules if n.partition(".")[0] in {"ledger", "frontdesk"}]:
        del sys.modules[name]


def _ledger_clients(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict[str, TestClient]:
    """The two apps (each served on its own), started under `env`."""
    for name in ("BROWSER_ACCESS", "BROWSER_ORIGINS", "REPORTS_PUBLIC", "AUDIT_PORTAL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.syspath_prepend(str(LEDGER))
    return {
        "/entries": TestClient(importlib.import_module("ledger.main").app),
        "/monthly": TestClient(importlib.import_module("ledger.reports").reports),
        "/trail": TestClient(importlib.import_module("ledger.audit").audit),
    }


def test_starlette_layers_send_nothing_while_their_switches_are_off(monkeypatch: pytest.MonkeyPatch) -> None:
    for path, client in _ledger_clients(monkeypatch).items():
        for origin in ORIGINS:
            answer = client.get(path, headers={"Origin": origin, "Cookie": "session=1"})
            assert all(header not in answer.headers for header in HEADERS), (path, origin)


def test_starlette_layers_answer_as_modelled_once_switched_on(monkeypatch: pytest.MonkeyPatch) -> None:
    policies = {p.location.path: p for p in policies_linted_inside(LEDGER, "starlette")}
    clients = _ledger_clients(
        monkeypatch, BROWSER_ACCESS="true", REPORTS_PUBLIC="yes", AUDIT_PORTAL="external"
    )
    for path, module in (
        ("/entries", "ledger/main.py"),
        ("/monthly", "ledger/reports.py"),
        ("/trail", "ledger/audit.py"),
    ):
        for origin in (*ORIGINS, "http://portal.auditors.example.net"):
            real = clients[path].get(path, headers={"Origin": origin, "Cookie": "session=1"})
            ours = starlette_respond(policies[module], Request("GET", origin, COOKIE, path=path))
            for header in HEADERS:
                assert real.headers.get(header) == ours.get(header), (path, origin, header)


def test_flask_cors_sends_nothing_outside_the_kiosk_deployment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DEPLOY_TARGET", raising=False)
    monkeypatch.syspath_prepend(str(KIOSK))
    client = importlib.import_module("frontdesk.app").app.test_client()
    answer = client.get("/api/visitor", headers={"Origin": ORIGINS[0]})
    assert "Access-Control-Allow-Origin" not in answer.headers


def test_flask_cors_in_the_kiosk_deployment_answers_as_modelled(monkeypatch: pytest.MonkeyPatch) -> None:
    (policy,) = [p for p in linted_inside(KIOSK) if p.framework == "flask_cors"]
    monkeypatch.setenv("DEPLOY_TARGET", "kiosk")
    monkeypatch.syspath_prepend(str(KIOSK))
    client = importlib.import_module("frontdesk.app").app.test_client()
    for origin in ORIGINS:
        real = client.get("/api/visitor", headers={"Origin": origin, "Cookie": "session=1"})
        ours = flask_cors_respond(policy, Request("GET", origin, COOKIE, path="/api/visitor"))
        for header in HEADERS:
            assert real.headers.get(header) == ours.get(header), (origin, header)
        assert real.headers.get("Access-Control-Allow-Origin") == origin  # reflected, with credentials


@pytest.mark.parametrize(
    ("project", "clause"),
    [
        (LEDGER, "(when BROWSER_ACCESS is set and BROWSER_ORIGINS is unset)"),
        (LEDGER, "(when REPORTS_PUBLIC is set)"),
        (LEDGER, '(when AUDIT_PORTAL is "external")'),
        (KIOSK, '(when DEPLOY_TARGET is "kiosk")'),
    ],
)
def test_findings_name_the_switch(project: Path, clause: str) -> None:
    messages = [finding.message for finding in run_lint(project).findings]
    assert any(message.endswith(clause) for message in messages), messages


@pytest.mark.parametrize(
    ("test", "expected"),
    [
        ('os.getenv("CORS_ON")', ("CORS_ON is set",)),
        ('os.getenv("CORS_ON", "false").lower() == "true"', ("CORS_ON is set",)),
        ('os.getenv("STAGE", "dev") == "production"', ('STAGE is "production"',)),
        ('os.getenv("CORS_ON", "true") == "true"', ()),  # on by default
        ('os.getenv("STAGE", "dev") != "dev"', ()),  # the value that turns it on is not one
        ('os.getenv("A") and os.getenv("B")', ()),  # the variable named would not say it all
        ("CORS_ON", ()),  # a constant: no deployment decides it
        ('os.getenv("STAGE", "dev") in ("prod", "production")', ()),
    ],
)
def test_which_tests_are_switches(test: str, expected: tuple[str, ...]) -> None:
    source = f"import os\nCORS_ON = False\nif {test}:\n    app.add_middleware(CORSMiddleware)\n"
    assert _switches_of(source) == expected


@pytest.mark.parametrize(
    ("test", "expected"),
    [
        ('not os.getenv("CORS_ON")', ("CORS_ON is set",)),
        ('os.getenv("STAGE", "dev") != "production"', ('STAGE is "production"',)),
        ('os.getenv("CORS_OFF")', ()),  # skipped only once set: runs by default
        ('os.getenv("STAGE", "dev") == "dev"', ()),
    ],
)
def test_early_exits_before_the_layer(test: str, expected: tuple[str, ...]) -> None:
    source = (
        f"import os\n\ndef add_cors(app):\n    if {test}:\n        return\n"
        "    app.add_middleware(CORSMiddleware)\n\nadd_cors(app)\n"
    )
    assert _switches_of(source) == expected


def _switches_of(source: str) -> tuple[str, ...]:
    module = ProjectContext().python.parse("app.py", source)
    call = next(
        node
        for node in ast.walk(module.tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "add_middleware"
    )
    return tuple(e.detail for e in enabling_switches(module, call))
