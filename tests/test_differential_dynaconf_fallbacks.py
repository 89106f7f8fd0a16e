"""A Dynaconf settings object's `if not hasattr(conf, "NAME"):` fallback (SWEEP13 M6,
Heliotr/ai-travel-assistant): with the environment variable unset, the fixture's app,
started by Python with the real Dynaconf, answers as corslint's model answers for the
fallback; with the variable set, corslint's value names it ("when ... is unset").

dynaconf is not in the project's test environment: the test skips there (measured with
dynaconf 3.3.5 installed beside it)."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from corslint.frameworks.starlette import respond
from corslint.http import Request
from tests.conftest import FIXTURES, policies_linted_inside

pytest.importorskip("dynaconf")
pytest.importorskip("fastapi")

from starlette.testclient import TestClient

ANY = FIXTURES / "starlette" / "dynaconf_hasattr_fallback_any_origin"
LISTED = FIXTURES / "starlette" / "dynaconf_hasattr_fallback_allow_list"
ORIGINS = ("https://attacker.invalid", "https://orders.kitchen.example", "null")
HEADERS = ("access-control-allow-origin", "access-control-allow-credentials", "access-control-allow-methods")


@pytest.fixture(autouse=True)
def _forget_fixture_modules() -> Iterator[None]:
    yield
    for name in [n for n in sys.modules if n.partition(".")[0] == "kitchen"]:
        del sys.modules[name]


@pytest.mark.parametrize("project", [ANY, LISTED], ids=["any-origin", "allow-list"])
def test_fallback_is_what_the_app_answers_with_the_variable_unset(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KITCHEN_ORDER_SITES", raising=False)
    (policy,) = policies_linted_inside(project, "starlette")
    assert policy.options["allow_origins"].env_vars == ("KITCHEN_ORDER_SITES",)
    monkeypatch.syspath_prepend(str(project))
    client = TestClient(importlib.import_module("kitchen.api").app)
    for origin in ORIGINS:
        for method, extra in (("GET", ()), ("OPTIONS", (("access-control-request-method", "PUT"),))):
            headers = {"Origin": origin, "Cookie": "session=1", **dict(extra)}
            real = client.request(method, "/tickets", headers=headers)
            ours = respond(
                policy, Request(method, origin, (("cookie", "session=1"), *extra), path="/tickets")
            )
            for header in HEADERS:
                assert real.headers.get(header) == ours.get(header), (project.name, origin, method, header)


def test_a_set_variable_replaces_the_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the deployment sets is the deployment's: the fallback never runs."""
    monkeypatch.setenv("KITCHEN_ORDER_SITES", '["https://orders.kitchen.example"]')
    monkeypatch.syspath_prepend(str(ANY))
    client = TestClient(importlib.import_module("kitchen.api").app)
    answer = client.get("/tickets", headers={"Origin": "https://attacker.invalid"})
    assert answer.headers.get("access-control-allow-origin") is None
