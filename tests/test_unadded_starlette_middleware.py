"""A hand-written `BaseHTTPMiddleware` that only the test suite adds is not a CORS layer
(fixture python_headers/starlette_dispatch_class_only_in_unit_suite); the same class added
by the app in another module still is. That project is built here, not as a fixture: the
real-framework harness of tests/test_python_headers.py loads the app from the module that
holds the layer, and this layer's app lives in another module."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FIXTURES, run_lint

UNADDED = FIXTURES / "python_headers" / "starlette_dispatch_class_only_in_unit_suite"


def test_a_layer_added_by_the_app_module_is_judged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "requirements.txt").write_text("fastapi==0.115.0\n")
    package = tmp_path / "shop"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "layers.py").write_text((UNADDED / "shop" / "layers.py").read_text())
    (package / "app.py").write_text("from fastapi import FastAPI\n\napp = FastAPI()\n")
    monkeypatch.chdir(tmp_path)
    assert run_lint(Path(".")).findings == []  # nothing adds it yet
    (package / "app.py").write_text(
        "from fastapi import FastAPI\n\n"
        "from shop.layers import ReflectingCors\n\n"
        "app = FastAPI()\n"
        "app.add_middleware(ReflectingCors)\n"
    )
    assert sorted(f.rule_id for f in run_lint(Path(".")).findings) == ["CORS107", "CORS206"]


def test_a_layer_only_the_unit_suite_adds_is_not_judged(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(UNADDED)  # linted from inside, as a user runs it
    assert run_lint(Path(".")).findings == []
