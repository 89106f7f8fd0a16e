"""An app factory in a package module named setup.py (no packaging script): corslint
resolves its imports from the project root, and the real FastAPI app it builds answers
as the extracted policy says."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from tests.conftest import FIXTURES, policies_linted_inside

PROJECT = FIXTURES / "starlette" / "app_factory_in_package_setup_module"


@pytest.fixture(autouse=True)
def _forget_fixture_modules() -> Iterator[None]:
    """The fixture project's modules leave sys.modules with the test (other fixture
    projects use the same package names)."""
    yield
    for name in [n for n in sys.modules if n.partition(".")[0] in {"src"}]:
        del sys.modules[name]


def test_the_factory_module_is_read_and_matches_the_real_app(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WIDGET_ORIGINS", raising=False)
    (policy,) = policies_linted_inside(PROJECT, "starlette")
    assert [entry.raw for entry in policy.options["allow_origins"].raw] == ["*"]
    monkeypatch.syspath_prepend(str(PROJECT))
    for name in [n for n in sys.modules if n == "src" or n.startswith("src.")]:
        monkeypatch.delitem(sys.modules, name)
    from src.web.setup import build_app

    answer = TestClient(build_app()).get("/widget/config", headers={"Origin": "https://attacker.invalid"})
    assert answer.headers["access-control-allow-origin"] == "*"
