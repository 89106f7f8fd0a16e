"""A CORS config built from a parameter annotated with the project's settings class
(`def build_cors_config(settings: Settings)`), called by an app factory that imports the
builder through its package (fixture litestar/settings_parameter_annotation_default, after
mcgeq/morado; blind set 23): corslint reads the class's defaults, and the real Litestar app
the factory makes answers with exactly those."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest

from tests.conftest import FIXTURES, policies_linted_inside

pytest.importorskip("litestar")
from litestar.testing import TestClient

PROJECT = FIXTURES / "litestar" / "settings_parameter_annotation_default"


@pytest.fixture(autouse=True)
def _forget_fixture_modules() -> Iterator[None]:
    yield
    for name in [n for n in sys.modules if n.partition(".")[0] == "runboard"]:
        del sys.modules[name]


def test_the_parameter_holds_the_settings_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    (policy,) = policies_linted_inside(PROJECT, "litestar")
    ours = {name: value.plain() for name, value in policy.options.items()}
    monkeypatch.syspath_prepend(str(PROJECT / "src"))
    from runboard.app import create_app
    from runboard.core.config import Settings

    defaults = Settings()
    assert list(ours["allow_origins"]) == defaults.cors_origins == ["http://localhost:5173"]
    assert ours["allow_credentials"] is defaults.cors_allow_credentials is True
    with TestClient(app=create_app()) as client:
        answer = client.get("/api/runs", headers={"Origin": "http://localhost:5173"})
    assert answer.headers["access-control-allow-origin"] == "http://localhost:5173"
    assert answer.headers["access-control-allow-credentials"] == "true"
