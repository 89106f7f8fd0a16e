"""A settings dataclass whose `__post_init__` fills the fields left `None`: corslint's
values are what the fixture's own object holds, and the real FastAPI app answers so."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from tests.conftest import FIXTURES, policies_linted_inside

PROJECT = FIXTURES / "starlette" / "dataclass_post_init_fills_origins"


@pytest.fixture(autouse=True)
def _forget_fixture_modules() -> Iterator[None]:
    """The fixture project's modules leave sys.modules with the test (other fixture
    projects use the same package names)."""
    yield
    for name in [n for n in sys.modules if n.partition(".")[0] in {"clinicbook"}]:
        del sys.modules[name]


def test_post_init_values_match_the_running_object(monkeypatch: pytest.MonkeyPatch) -> None:
    (policy,) = policies_linted_inside(PROJECT, "starlette")
    ours = {name: value.plain() for name, value in policy.options.items()}
    monkeypatch.syspath_prepend(str(PROJECT))
    for name in [n for n in sys.modules if n == "clinicbook" or n.startswith("clinicbook.")]:
        monkeypatch.delitem(sys.modules, name)
    from clinicbook.app import app
    from clinicbook.security import PORTAL

    assert list(ours["allow_origins"]) == PORTAL.origins == ["*"]
    assert list(ours["allow_methods"]) == PORTAL.methods == ["GET"]  # given: not refilled
    assert list(ours["allow_headers"]) == PORTAL.headers
    assert ours["allow_credentials"] is PORTAL.credentials is True
    answer = TestClient(app).get("/appointments", headers={"Origin": "https://attacker.invalid"})
    assert answer.headers["access-control-allow-origin"] == "https://attacker.invalid"
    assert answer.headers["access-control-allow-credentials"] == "true"
