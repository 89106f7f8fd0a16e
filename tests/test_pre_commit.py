"""The real pre-commit runs the hook of this repository (.pre-commit-hooks.yaml) as users
install it: from a repository pinned by commit, on the files a commit stages."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

BAD = """\
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True, allow_methods=["*"], allow_headers=["Authorization"])
"""
GOOD = BAD.replace('["*"], allow_credentials', '["https://app.example.com"], allow_credentials')

# A Django project with split settings (cookiecutter-django's layout): base.py holds the
# CORS settings, production.py and local.py import it, manage.py names local.py.
MANAGE = """\
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
"""
BASE = """\
INSTALLED_APPS = ["django.contrib.contenttypes", "corsheaders", "api"]
MIDDLEWARE = [
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.common.CommonMiddleware",
]
ROOT_URLCONF = "config.urls"
CORS_ALLOWED_ORIGINS = ["https://shop.example.com"]
CORS_ALLOW_CREDENTIALS = True
"""
LEAF = "from .base import *  # noqa: F403\n\nDEBUG = {debug}\n"

# two apps read their origins from one shared module
SHARED = 'ORIGINS = ["*"]\n'
APP_USING_SHARED = """\
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from shared import ORIGINS

app = FastAPI()
app.add_middleware(
    CORSMiddleware, allow_origins=ORIGINS, allow_credentials=True, allow_methods=["GET"], allow_headers=["Authorization"]
)
"""

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is needed for pre-commit")


def git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True)


def new_repository(path: Path) -> Path:
    path.mkdir()
    git(path, "init", "-q")
    git(path, "config", "user.email", "test@example.invalid")
    git(path, "config", "user.name", "test")
    git(path, "config", "commit.gpgsign", "false")
    return path


@pytest.fixture(scope="module")
def hook_repository(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """This repository's hook as users get it: its working tree (uncommitted changes and
    new files included), committed to a repository of its own, pinned by commit."""
    repo = new_repository(tmp_path_factory.mktemp("hook") / "corslint")
    for name in ("pyproject.toml", "README.md", "LICENSE", ".pre-commit-hooks.yaml"):
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, repo / name)
    shutil.copytree(
        ROOT / "corslint", repo / "corslint", ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
    )
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "hook")
    return repo, git(repo, "rev-parse", "HEAD").stdout.strip()


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One home for the module, so that the hook's environment is installed once."""
    return tmp_path_factory.mktemp("pre-commit-home")


def environment(home: Path) -> dict[str, str]:
    return {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}


def install_hook(repo: Path, hook: tuple[Path, str], home: Path) -> None:
    path, rev = hook
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {path.as_uri()}\n    rev: {rev}\n    hooks:\n      - id: corslint\n"
    )
    subprocess.run(
        [sys.executable, "-m", "pre_commit", "install"],
        cwd=repo,
        env=environment(home),
        check=True,
        capture_output=True,
    )


def commit(repo: Path, home: Path, message: str) -> subprocess.CompletedProcess[str]:
    """`git add -A && git commit`: the hook runs on the files the commit stages."""
    git(repo, "add", "-A")
    return subprocess.run(
        ["git", "-C", str(repo), "commit", "-q", "-m", message],
        env=environment(home),
        capture_output=True,
        text=True,
        timeout=900,
    )


def run_all_files(repo: Path, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "corslint", "--all-files"],
        cwd=repo,
        env=environment(home),
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_hook_fails_on_a_bad_app_and_passes_on_a_good_one(
    tmp_path: Path, hook_repository: tuple[Path, str], pre_commit_home: Path
) -> None:
    repo = new_repository(tmp_path / "repo")
    install_hook(repo, hook_repository, pre_commit_home)
    (repo / "main.py").write_text(BAD)
    (repo / "README.md").write_text("scratch\n")
    git(repo, "add", ".")

    bad = run_all_files(repo, pre_commit_home)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "main.py:5:50: CORS101 [error]" in bad.stdout

    (repo / "main.py").write_text(GOOD)
    # pre-commit names each file: the hook applies the settings' `exclude` to them too
    (repo / "legacy").mkdir()
    (repo / "legacy" / "main.py").write_text(BAD)
    (repo / ".corslint.toml").write_text('exclude = ["legacy/**"]\n')
    git(repo, "add", ".")
    good = run_all_files(repo, pre_commit_home)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "corslint" in good.stdout and "Passed" in good.stdout


def test_a_commit_of_credentials_with_every_origin_in_split_settings_fails(
    tmp_path: Path, hook_repository: tuple[Path, str], pre_commit_home: Path
) -> None:
    """The commit names settings/base.py alone. Read alone it is no Django entry point and
    the hook passed; read with its project (local.py and production.py import it,
    manage.py names local.py) it is CORS101, as a whole-tree run says."""
    repo = new_repository(tmp_path / "shop")
    install_hook(repo, hook_repository, pre_commit_home)
    settings = repo / "config" / "settings"
    settings.mkdir(parents=True)
    (repo / "config" / "__init__.py").write_text("")
    (settings / "__init__.py").write_text("")
    (repo / "manage.py").write_text(MANAGE)
    (settings / "base.py").write_text(BASE)
    (settings / "local.py").write_text(LEAF.format(debug=True))
    (settings / "production.py").write_text(LEAF.format(debug=False))
    first = commit(repo, pre_commit_home, "a clean start")
    assert first.returncode == 0, first.stdout + first.stderr

    (settings / "base.py").write_text(
        BASE.replace('CORS_ALLOWED_ORIGINS = ["https://shop.example.com"]', "CORS_ALLOW_ALL_ORIGINS = True")
    )
    assert git(repo, "status", "--porcelain").stdout.split() == ["M", "config/settings/base.py"]
    refused = commit(repo, pre_commit_home, "open CORS to everyone, with cookies")
    output = refused.stdout + refused.stderr
    assert refused.returncode == 1, output
    assert "corslint" in output and "Failed" in output
    assert "config/settings/base.py:7:26: CORS101 [error]" in output
    assert git(repo, "rev-list", "--count", "HEAD").stdout.strip() == "1"  # not committed


def test_a_finding_in_a_shared_module_is_reported_once(
    tmp_path: Path, hook_repository: tuple[Path, str], pre_commit_home: Path
) -> None:
    """With `require_serial: false` pre-commit split the files among its processes (one
    per core, at least 4 files each), and each batch reported the findings of the apps
    whose origins come from the module they share."""
    repo = new_repository(tmp_path / "apps")
    install_hook(repo, hook_repository, pre_commit_home)
    (repo / "shared.py").write_text('ORIGINS = ["https://app.example.com"]\n')
    apps = [f"app_{n}.py" for n in range(8)]
    for name in apps:
        (repo / name).write_text(APP_USING_SHARED)
    assert commit(repo, pre_commit_home, "eight apps").returncode == 0
    (repo / "shared.py").write_text(SHARED)
    for name in apps[:6]:
        (repo / name).write_text(APP_USING_SHARED + "# touched\n")
    refused = commit(repo, pre_commit_home, "every origin")
    assert refused.returncode == 1, refused.stdout + refused.stderr
    output = refused.stdout + refused.stderr  # git hands a hook's output to its stderr
    reported = [line for line in output.splitlines() if ": CORS101 [error]" in line]
    assert sorted(reported) == sorted(set(reported))
    assert {line.split(":")[0] for line in reported} == set(apps)
