"""Whether a file belongs to a project's test suite, not to what it deploys: a folder named
`__tests__`, `test`, `tests` or `e2e`, or a file named `*.test.*` / `*.spec.*` (Jest, Vitest,
Mocha, Playwright and Nest's conventions), judged on the part of the path inside the project
(development_paths.project_part: a checkout at `~/tests/shop` says nothing), and below the
folder the run lints (`corslint tests/fixtures/shop` or `corslint path/__tests__` judges what
it was pointed at: the folders named on the command line are the user's choice).

A server such a file starts (mx-space/core packages/api-client/__tests__/helpers/
e2e-mock-server.ts: an Express `cors()` mock the api-client e2e tests start on port 0) is
never deployed, so the rules about who may read responses and which requests pass (1xx,
2xx) do not judge it (engine.judge). Stricter than CORS106's development-only names on
purpose: a folder named `testing` or `test-api` may well be a deployed service."""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path, PurePosixPath

from corslint.extractors.development_paths import project_part
from corslint.linted_folders import current as linted_folders

_TEST_FOLDERS = frozenset({"__tests__", "test", "tests", "e2e"})
_TEST_FILE = re.compile(r"\.(test|spec|e2e-spec)\.[cm]?[jt]sx?$")


def in_test_code(path: str) -> bool:
    """Whether the file at `path` (as a run names it) is test code of its project."""
    return _in_test_code(path, linted_folders(), os.getcwd())


@functools.lru_cache(maxsize=4096)  # every policy of a file asks, and the answer stats folders
def _in_test_code(path: str, folders: tuple[Path, ...], cwd: str) -> bool:
    inside = PurePosixPath(project_part(path).replace("\\", "/")).parts
    resolved = Path(os.path.normpath(os.path.join(cwd, path)))  # os.path.abspath, from `cwd`
    holding = [folder for folder in folders if folder in resolved.parents]
    if holding:
        below = resolved.parts[len(max(holding, key=lambda f: len(f.parts)).parts) :]
        inside = below if len(below) < len(inside) else inside
    if not inside or _TEST_FILE.search(inside[-1]) is not None:
        return bool(inside)
    return any(part in _TEST_FOLDERS for part in inside[:-1])
