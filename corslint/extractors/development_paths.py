"""Whether a file is named for development, local or test use (RULES.md, CORS106), judged
on the part of its path that belongs to the project.

The folders above the repository are the user's machine, not the project: a checkout at
`/home/me/dev/shop` or a run of `corslint ../testing/shop` says nothing about whether
`shop/server.js` is development-only. A path given relative to the working directory and
inside it is the project's own; when the working directory is no project, only the part
below the first of its folders that is one (`~/code$ corslint my-app-dev`,
`~$ corslint dev/shop`). Otherwise only the part below the repository root (the nearest
folder holding `.git`) counts, else below the nearest folder holding a project manifest,
else the file and its three nearest folders, never above the linted folder's own name
(`corslint /home/me/testing/app` reads `app/cors.py` as `cd testing && corslint app` does).
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path

from corslint.linted_folders import current as linted_folders

_WORDS = frozenset({"dev", "development", "local", "test", "tests", "testing", "debug"})
_TEST_WORDS = frozenset({"test", "tests", "testing"})
_SPLIT = re.compile(r"[/\\._-]+")
_NEAREST_FOLDERS = 3
_MANIFESTS = ("package.json", "pyproject.toml", "requirements.txt", "setup.py", "setup.cfg", "manage.py")


def is_development_path(path: str) -> bool:
    """A file or folder named for development, local or test use, inside the project."""
    return any(word in _WORDS for word in _SPLIT.split(project_part(path).lower()))


def is_test_path(path: str) -> bool:
    """A file or folder named for the test suite (`settings/test.py`), inside the project."""
    return any(word in _TEST_WORDS for word in _SPLIT.split(project_part(path).lower()))


def project_part(path: str) -> str:
    """The part of `path` that names things inside the project (see the module's doc)."""
    pure = Path(path)
    if not pure.is_absolute() and ".." not in pure.parts:
        if not _is_project_folder(os.getcwd()):
            # `~/code$ corslint my-app-dev` or `~$ corslint dev/shop`: the folders down to
            # the checkout, and its own name, are the user's, not the project's (in a
            # monorepo's root, a first folder is one of its own projects)
            for depth in range(1, len(pure.parts)):
                if _is_project_folder(os.path.abspath(Path(*pure.parts[:depth]))):
                    return Path(*pure.parts[depth:]).as_posix()
            below = _below_linted(Path(os.path.abspath(path)))
            if below is not None and len(below) < len(pure.parts):
                return "/".join(below)
        return path
    resolved = Path(os.path.abspath(path))
    root = _project_root(str(resolved.parent))
    if root is not None:
        return resolved.relative_to(root).as_posix()
    nearest = resolved.parts[-(_NEAREST_FOLDERS + 1) :]
    below = _below_linted(resolved)
    return "/".join(below if below is not None and len(below) < len(nearest) else nearest)


def _below_linted(resolved: Path) -> tuple[str, ...] | None:
    """The file's path from the nearest linted folder holding it, that folder's name first."""
    holding = [folder for folder in linted_folders() if folder in resolved.parents]
    if not holding:
        return None
    return resolved.parts[len(max(holding, key=lambda f: len(f.parts)).parent.parts) :]


def _is_project_folder(folder: str) -> bool:
    """Whether a folder is a checkout of its own: a repository, or a project manifest."""
    base = Path(folder)
    return (base / ".git").exists() or any((base / name).is_file() for name in _MANIFESTS)


@functools.lru_cache(maxsize=4096)
def _project_root(folder: str) -> str | None:
    """The repository root above `folder`, else the nearest folder with a manifest."""
    chain = (Path(folder), *Path(folder).parents)
    for candidate in chain:
        if (candidate / ".git").exists():
            return str(candidate)
    for candidate in chain:
        if any((candidate / name).is_file() for name in _MANIFESTS):
            return str(candidate)
    return None
