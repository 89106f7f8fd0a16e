"""Differential truth for Flask-CORS options a project helper reads from the app's config
(corslint/extractors/flask/helper_config_reads.py), on the real Flask and Flask-CORS:

- flask/app_config_read_in_cors_helper: a `@staticmethod` handed the app picks its
  options on `app.config.get("CORS_ORIGINS", "*")`, the config class's env default
  (EdwinKassier/dwml-backend-flask's shape). With CORS_ORIGINS unset every origin is
  answered with itself, without credentials: CORS105 "(when CORS_ORIGINS is unset)". Set, only the listed origins, with
  credentials.
- flask/app_config_read_in_origins_helper: `origins=allowed_origins(app)` returning the
  config's list: corslint reads the list, and the real app admits exactly it."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator

import pytest

from tests.conftest import FIXTURES, run_lint, sole_policy_inside

GREENHOUSE = FIXTURES / "flask" / "app_config_read_in_cors_helper"
DEPOT = FIXTURES / "flask" / "app_config_read_in_origins_helper"
ATTACKER = "https://attacker.invalid"


def _forget() -> None:
    for name in [n for n in sys.modules if n.partition(".")[0] in {"greenhouse", "depot"}]:
        del sys.modules[name]  # (other fixtures have a `depot` package too)


@pytest.fixture(autouse=True)
def _forget_fixture_modules() -> Iterator[None]:
    _forget()
    yield
    _forget()


def _greenhouse(monkeypatch: pytest.MonkeyPatch) -> object:
    monkeypatch.syspath_prepend(str(GREENHOUSE))
    return importlib.import_module("greenhouse").create_app()


def test_unset_origins_answer_every_origin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CORS_ORIGINS", raising=False)
    monkeypatch.delenv("GREENHOUSE_STAGE", raising=False)
    client = _greenhouse(monkeypatch).test_client()  # type: ignore[attr-defined]
    answer = client.get("/api/readings", headers={"Origin": ATTACKER})
    # Flask-CORS 6 answers `origins="*"` with the request's own origin (send_wildcard off)
    assert answer.headers.getlist("Access-Control-Allow-Origin") == [ATTACKER]
    assert answer.headers.get("Access-Control-Allow-Credentials") is None
    findings = run_lint(GREENHOUSE).findings
    assert [(f.rule_id, f.location.line) for f in findings] == [("CORS105", 12)]
    assert findings[0].message.endswith("(when CORS_ORIGINS is unset)")


def test_set_origins_admit_only_the_listed_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORS_ORIGINS", "https://dash.example.org, https://ops.example.org")
    client = _greenhouse(monkeypatch).test_client()  # type: ignore[attr-defined]
    listed = client.get("/api/readings", headers={"Origin": "https://ops.example.org"})
    assert listed.headers.get("Access-Control-Allow-Origin") == "https://ops.example.org"
    assert listed.headers.get("Access-Control-Allow-Credentials") == "true"
    assert (
        client.get("/api/readings", headers={"Origin": ATTACKER}).headers.get("Access-Control-Allow-Origin")
        is None
    )


def test_origins_helper_returns_the_configured_list(monkeypatch: pytest.MonkeyPatch) -> None:
    policy = sole_policy_inside(DEPOT, "flask_cors")
    ours = [entry.raw for entry in policy.options["origins"].raw]
    monkeypatch.syspath_prepend(str(DEPOT))
    app = importlib.import_module("depot").create_app()
    assert (
        ours == app.config["CORS_ORIGINS"] == ["https://depot.example.com", "https://admin.depot.example.com"]
    )
    client = app.test_client()
    for origin, allowed in (("https://admin.depot.example.com", True), (ATTACKER, False)):
        answer = client.get("/parts", headers={"Origin": origin})
        assert (answer.headers.get("Access-Control-Allow-Origin") == origin) is allowed
    assert run_lint(DEPOT).findings == []
