"""A `CORS(app)` added by a helper that receives the app (`init_extensions(app)` from the
factory, in another module) is a second layer on the factory's app (CORS302). The real
flask-cors agrees that it is the same app: the helper's default layer answers first and
the factory's allow-list never applies."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, run_lint

PROJECT = FIXTURES / "flask" / "second_layer_from_extensions_helper"

_REAL = """
from recipes import create_app
client = create_app().test_client()
for origin in ("https://cook.example.com", "https://evil.example"):
    response = client.get("/recipes", headers={"Origin": origin})
    print(response.headers.get("Access-Control-Allow-Origin"))
"""


def test_real_flask_cors_lets_the_helper_layer_answer() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _REAL], cwd=PROJECT, capture_output=True, text=True, check=True
    )
    # the factory's allow-list would refuse evil.example; the helper's layer reflects it
    assert done.stdout.split() == ["https://cook.example.com", "https://evil.example"]


def test_both_layers_share_one_app_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(PROJECT)
    found = [f for f in run_lint(Path(".")).findings if f.rule_id == "CORS302"]
    assert [(f.location.path, f.location.line) for f in found] == [("recipes/extensions.py", 17)]
    assert [(r.location.path, r.location.line) for r in found[0].related] == [("recipes/__init__.py", 9)]
