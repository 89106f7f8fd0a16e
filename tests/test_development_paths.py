"""Development-only paths are judged inside the project, never on the user's own folders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corslint.extractors.development_paths import is_development_path
from tests.conftest import run_cli


@pytest.mark.parametrize(
    ("path", "development"),
    [
        ("config/settings/dev.py", True),
        ("src/environments/development/cors.ts", True),
        ("tests/test_cors.py", True),
        ("server.js", False),
        ("src/devices/api.py", False),  # a word, not a piece of one
    ],
)
def test_relative_paths_are_the_projects_own(path: str, development: bool) -> None:
    assert is_development_path(path) is development


def test_folders_above_the_repository_do_not_count(tmp_path: Path) -> None:
    checkout = tmp_path / "dev" / "testing" / "shop"
    (checkout / ".git").mkdir(parents=True)
    assert not is_development_path(str(checkout / "server.js"))
    assert is_development_path(str(checkout / "config" / "local.js"))


def test_without_a_repository_the_manifest_folder_is_the_root(tmp_path: Path) -> None:
    project = tmp_path / "dev" / "shop"
    project.mkdir(parents=True)
    (project / "package.json").write_text("{}")
    assert not is_development_path(str(project / "server.js"))
    assert not is_development_path(str(project / ".." / "shop" / "server.js"))


def test_a_checkout_under_a_dev_folder_still_gets_cors106(tmp_path: Path) -> None:
    project = tmp_path / "dev" / "shop"
    project.mkdir(parents=True)
    (project / ".git").mkdir()
    (project / "requirements.txt").write_text("fastapi==0.115.0\n")
    (project / "main.py").write_text(
        "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n\n"
        "app = FastAPI()\n"
        'app.add_middleware(CORSMiddleware, allow_origins=["http://localhost:3000"], allow_methods=["*"])\n'
    )
    _, out, _ = run_cli("check", "--no-cache", "--output-format", "json", str(project))
    rules = [finding["rule_id"] for finding in json.loads(out)["findings"]]
    assert rules == ["CORS106"], out


def test_a_checkout_named_on_the_command_line_is_not_the_projects_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `~/code$ corslint shop-dev`: the checkout's name is the user's; inside a project's
    # own root, a first folder is one of its parts and keeps its meaning
    (tmp_path / "shop-dev").mkdir()
    (tmp_path / "shop-dev" / "package.json").write_text("{}")
    monkeypatch.chdir(tmp_path)
    assert not is_development_path("shop-dev/server.js")
    assert is_development_path("shop-dev/config/local.js")
    (tmp_path / "package.json").write_text("{}")  # now the working directory is a monorepo
    assert is_development_path("shop-dev/server.js")


def test_the_users_folders_down_to_a_checkout_named_on_the_command_line_do_not_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `~$ corslint dev/shop`: `dev` is where the user keeps checkouts (census 10's N1: a run
    # from a parent folder dropped CORS106 that a run inside the checkout reported)
    (tmp_path / "dev" / "shop" / "app").mkdir(parents=True)
    (tmp_path / "dev" / "shop" / "pyproject.toml").write_text("")
    monkeypatch.chdir(tmp_path)
    assert not is_development_path("dev/shop/app/cors.py")
    assert is_development_path("dev/shop/app/settings/local.py")
    assert is_development_path("dev/scratch/cors.py")  # no checkout on the way: the path as given


def test_a_project_without_a_manifest_gets_cors106_however_its_folder_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # no `.git`, no manifest (a folder of scripts): the folders above the linted one are
    # the user's, so `corslint /abs/testing/dev/shop` agrees with `cd shop && corslint .`
    project = tmp_path / "testing" / "dev" / "shop"
    project.mkdir(parents=True)
    (project / "cors.py").write_text(
        "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n\n"
        "app = FastAPI()\n"
        'app.add_middleware(CORSMiddleware, allow_origins=["http://localhost:3000"], allow_methods=["*"])\n'
    )

    def rules(target: str) -> list[str]:
        _, out, _ = run_cli("check", "--no-cache", "--output-format", "json", target)
        return [finding["rule_id"] for finding in json.loads(out)["findings"]]

    monkeypatch.chdir(project)
    assert rules(".") == ["CORS106"]
    monkeypatch.chdir(tmp_path)
    assert rules(str(project)) == ["CORS106"]
    monkeypatch.chdir(project.parent)
    assert rules("shop") == ["CORS106"]
    monkeypatch.chdir(tmp_path / "testing")
    assert rules("dev/shop") == ["CORS106"]
