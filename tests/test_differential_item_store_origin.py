"""A hand-written Flask hook reading the Origin back out of a dict a helper filled item by
item (fixture python_headers/flask_helper_dict_item_origin; SWEEP13 M5's pattern in
tyler46/nameko-http). Flask 3.1 runs it: every Origin is echoed with credentials, never
`*`. corslint, which used to read the store as absent (and so `*`: CORS105 + CORS201),
must not claim a constant answer: the Allow-Origin it builds is unknown (CORS305)."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator

import pytest

from corslint.model import Value
from tests.conftest import FIXTURES, policies_linted_inside

pytest.importorskip("flask")

PROJECT = FIXTURES / "python_headers" / "flask_helper_dict_item_origin"


@pytest.fixture(autouse=True)
def _forget_fixture_modules() -> Iterator[None]:
    yield
    sys.modules.pop("board", None)


def test_the_app_echoes_every_origin_and_corslint_claims_no_constant(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(PROJECT))
    client = importlib.import_module("board").app.test_client()
    for origin in ("https://attacker.invalid", "https://notices.example"):
        answer = client.get("/notices", headers={"Origin": origin})
        assert answer.headers.get("Access-Control-Allow-Origin") == origin
        assert answer.headers.get("Access-Control-Allow-Credentials") == "true"
    (policy,) = policies_linted_inside(PROJECT, "flask_headers")
    step = policy.options["Access-Control-Allow-Origin"]
    written = step.raw["value"] if isinstance(step.raw, dict) else step
    assert isinstance(written, Value) and not written.known
