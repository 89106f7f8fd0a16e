"""A dataclass field whose `default_factory` is made by a call (`env_factory("X", ["*"])`
returning `lambda: lookup(...)`): corslint's value is what the fixture's own settings
object holds when run with the variable unset, and the real FastAPI app answers so."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from tests.conftest import FIXTURES, policies_linted_inside

PROJECT = FIXTURES / "starlette" / "settings_default_factory_env_closure"


@pytest.fixture(autouse=True)
def _forget_fixture_modules() -> Iterator[None]:
    """The fixture project's modules leave sys.modules with the test (other fixture
    projects use the same package names)."""
    yield
    for name in [n for n in sys.modules if n.partition(".")[0] in {"photo_wall"}]:
        del sys.modules[name]


def test_the_factory_default_matches_the_running_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GALLERY_CORS_ORIGINS", raising=False)
    (policy,) = policies_linted_inside(PROJECT, "starlette")
    origins = policy.options["allow_origins"]
    assert origins.env_var == "GALLERY_CORS_ORIGINS"
    monkeypatch.syspath_prepend(str(PROJECT))
    for name in [n for n in sys.modules if n == "photo_wall" or n.startswith("photo_wall.")]:
        monkeypatch.delitem(sys.modules, name)
    from photo_wall.app import app
    from photo_wall.config import api

    assert [entry.raw for entry in origins.raw] == api.cors_origins == ["*"]
    answer = TestClient(app).get("/pictures", headers={"Origin": "https://attacker.invalid"})
    assert answer.headers["access-control-allow-origin"] == "*"
