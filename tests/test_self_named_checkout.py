"""A checkout deployed as the package its modules import (census 11 B1,
Jhosep2022/aviator-backend: main.py, core/, routers/ at the top, `from app.core.cors import
configure_cors`, started as `uvicorn app.main:app` from the folder above). The fixture
starlette/checkout_imported_as_its_deploy_package runs as deployed (copied into a folder
named `app`, imported from its parent) on the real FastAPI; corslint reads the helper the
app calls. A third-party package missing from the checkout is never taken for it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from corslint.extractors.python.self_named_root import names_checkout
from tests.conftest import FIXTURES, run_lint

PROJECT = FIXTURES / "starlette" / "checkout_imported_as_its_deploy_package"


def test_the_deployed_app_runs_the_helper(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    shutil.copytree(PROJECT, tmp_path / "app")
    monkeypatch.syspath_prepend(str(tmp_path))
    from app.main import app  # type: ignore[import-not-found]

    client = TestClient(app)
    origin = "http://localhost:5173"
    answer = client.get("/rounds/latest", headers={"Origin": origin})
    assert answer.headers["access-control-allow-origin"] == origin
    assert answer.headers["access-control-allow-credentials"] == "true"
    preflight = client.options(
        "/rounds/latest",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization",
        },
    )
    assert preflight.status_code == 400  # Authorization is not allowed: CORS204
    monkeypatch.chdir(PROJECT)  # (a path under tests/ would read as development-only)
    found = sorted((f.rule_id, f.location.line) for f in run_lint(Path(".")).findings)
    assert found == [("CORS106", 7), ("CORS204", 10)]


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_a_missing_third_party_package_is_not_the_checkout(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "requirements.txt": "django\n",
            "views.py": "from rest_framework.views import APIView\nfrom rest_framework.response import Response\n",
        },
    )
    assert not names_checkout(root, "rest_framework")  # `rest_framework/response` is no module here


def test_a_listed_dependency_is_not_the_checkout(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {"requirements.txt": "core>=1.0\n", "main.py": "from core.utils import x\n", "utils.py": "x = 1\n"},
    )
    assert not names_checkout(root, "core")


def test_every_import_of_the_package_must_resolve_at_the_root(tmp_path: Path) -> None:
    files = {
        "requirements.txt": "fastapi\n",
        "main.py": "from app.core.cors import f\n",
        "core/cors.py": "f = 1\n",
    }
    assert names_checkout(_tree(tmp_path / "one", files), "app")
    files["main.py"] += "from app.settings import config\n"  # no settings module at the root
    assert not names_checkout(_tree(tmp_path / "two", files), "app")
