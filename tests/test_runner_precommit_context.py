"""A pre-commit run names a commit's files and reads them in their project's context; with
the results cache a full run left, only what changed is read again. The context a named
file's findings rest on (a settings module it imports, the options module or data file an
app loads) may change between two runs without the named file changing: the cached run
must then answer as a run without a cache does, never with the findings of before."""

from __future__ import annotations

import os
from pathlib import Path

from corslint.runner.project import lint_named
from corslint.runner.result import RunResult
from corslint.runner.settings import Settings

PAST = 1_600_000_000  # an mtime well outside the racy window: outcomes are cached


def write(path: Path, text: str, mtime: int = PAST) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    os.utime(path, (mtime, mtime))


def settle(root: Path) -> None:
    """Folders as old as the files: a folder changed in the last 2 s is never trusted by the
    cache, and every file in it would be read again whatever the cache holds. (Setting a
    folder's mtime moves its ctime, which the cache's stamps include: a new entry is still
    seen.)"""
    for folder, _, _ in os.walk(root):
        os.utime(folder, (PAST, PAST))


def found(result: RunResult) -> list[tuple[str, str, int]]:
    return sorted((f.rule_id, f.location.path, f.location.line) for f in result.findings)


def pre_commit(named: list[str], cache: Path | None) -> RunResult:
    return lint_named([Path(name) for name in named], Settings(), cache_dir=cache)


def check_each_change(
    named: list[str], context: Path, versions: list[str]
) -> list[list[tuple[str, str, int]]]:
    """Write each version of `context` in turn (never a named file), run as pre-commit
    does with the cache and without one, and require the same findings. The first version
    is there when the cache is made; the others are written in place, in a folder apart
    from the named files' (a change beside a file sends it to be read again whatever it
    observed), so that only what the cached outcomes observed can tell them apart."""
    write(context, versions[0])
    settle(Path.cwd())
    cache = Path(".corslint_cache")
    first = pre_commit(named, cache)  # the cache a full run leaves
    assert pre_commit(named, cache).stats.files_parsed == 0  # answered by the cache alone
    seen = [found(first)]
    for step, text in enumerate(versions[1:], start=1):
        write(context, text, PAST + 10 * step)
        cached = pre_commit(named, cache)
        fresh = pre_commit(named, None)
        assert found(cached) == found(fresh), f"version {step + 1} of {context}"
        seen.append(found(cached))
    return seen


# a Django project with split settings: production.py is committed, base.py is not
BASE = """\
INSTALLED_APPS = ["django.contrib.contenttypes", "corsheaders", "orders"]
MIDDLEWARE = [
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.common.CommonMiddleware",
]
ROOT_URLCONF = "shopsite.urls"
CORS_ALLOW_CREDENTIALS = False
"""
BASE_WITH_CREDENTIALS = BASE.replace("CORS_ALLOW_CREDENTIALS = False", "CORS_ALLOW_CREDENTIALS = True")
PRODUCTION = "from .base import *  # noqa: F403\n\nDEBUG = False\nCORS_ALLOW_ALL_ORIGINS = True\n"


def test_a_settings_module_imported_by_the_named_file_changes(in_tmp: Path) -> None:
    (in_tmp / ".git").mkdir()
    write(in_tmp / "shopsite" / "__init__.py", "")
    write(in_tmp / "shopsite" / "settings" / "__init__.py", "")
    write(in_tmp / "shopsite" / "settings" / "base.py", BASE)
    write(in_tmp / "shopsite" / "settings" / "production.py", PRODUCTION)
    named = ["shopsite/settings/production.py"]
    without, with_credentials, without_again = check_each_change(
        named, in_tmp / "shopsite" / "settings" / "base.py", [BASE, BASE_WITH_CREDENTIALS, BASE]
    )
    # any origin without credentials (CORS105), then with them (CORS101), then undone
    assert [rule for rule, _, _ in without] == ["CORS105"]
    assert [rule for rule, _, _ in with_credentials] == ["CORS101"]
    assert without_again == without


# an Express app that reflects any origin, with credentials from a settings module
APP = """\
const express = require("express");
const cors = require("cors");
const sessionSettings = require("../config/session-settings");

const app = express();
app.use(cors({ origin: true, credentials: sessionSettings.withCookies }));
app.get("/api/orders", (req, res) => res.json([]));
module.exports = app;
"""


def test_the_settings_module_an_app_requires_changes(in_tmp: Path) -> None:
    (in_tmp / ".git").mkdir()
    write(in_tmp / "server" / "app.js", APP)
    without, with_cookies = check_each_change(
        ["server/app.js"],
        in_tmp / "config" / "session-settings.js",
        ["module.exports = { withCookies: false };\n", "module.exports = { withCookies: true };\n"],
    )
    assert [rule for rule, _, _ in without] == ["CORS105"]
    assert [rule for rule, _, _ in with_cookies] == ["CORS101"]


def test_the_data_file_an_app_loads_changes(in_tmp: Path) -> None:
    (in_tmp / ".git").mkdir()
    write(
        in_tmp / "server" / "app.js",
        APP.replace('require("../config/session-settings")', 'require("../config/session.json")'),
    )
    with_cookies, without = check_each_change(
        ["server/app.js"],
        in_tmp / "config" / "session.json",
        ['{"withCookies": true}\n', '{"withCookies": false}\n'],
    )
    assert [rule for rule, _, _ in with_cookies] == ["CORS101"]
    assert [rule for rule, _, _ in without] == ["CORS105"]


def test_the_module_a_python_app_imports_its_origins_from_changes(in_tmp: Path) -> None:
    (in_tmp / ".git").mkdir()
    write(
        in_tmp / "api" / "main.py",
        "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n"
        "from settings.origins import ALLOWED\n\napp = FastAPI()\n"
        "app.add_middleware(CORSMiddleware, allow_origins=ALLOWED, allow_credentials=True)\n",
    )
    write(in_tmp / "api" / "__init__.py", "")
    write(in_tmp / "settings" / "__init__.py", "")
    listed, star = check_each_change(
        ["api/main.py"],
        in_tmp / "settings" / "origins.py",
        ['ALLOWED = ["https://shop.example.org"]\n', 'ALLOWED = ["*"]\n'],
    )
    assert listed != star
