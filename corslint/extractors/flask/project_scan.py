"""The project's own Python modules around a file, for the questions an import cannot
answer: who calls this helper with the app, who registers this blueprint. Bounded: the
package the file belongs to and the folder holding it, tests and virtual environments
left out, at most `MAX_FILES` files, each parsed once per run by `PythonProject`."""

from __future__ import annotations

import os
import weakref
from pathlib import Path

from corslint.extractors.python import PythonModule, PythonProject

MAX_FILES = 400
_SKIPPED = frozenset(
    {
        "tests",
        "test",
        "testing",
        "venv",
        "env",
        "node_modules",
        "site-packages",
        "build",
        "dist",
        "migrations",
        "docs",
    }
)
# per run (its PythonProject): each root folder's files
_FOUND: weakref.WeakKeyDictionary[PythonProject, dict[Path, list[Path]]] = weakref.WeakKeyDictionary()


def _root(folder: Path) -> Path:
    """The folder holding the outermost package around `folder` (or `folder` itself)."""
    top = folder
    while (top / "__init__.py").is_file() and top.parent != top:
        top = top.parent
    return top


def _files(root: Path) -> list[Path]:
    found: list[Path] = []
    pending = [root]
    while pending and len(found) < MAX_FILES:
        folder = pending.pop(0)
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            if name.startswith(".") or name in _SKIPPED:
                continue
            if entry.is_dir(follow_symlinks=False):
                pending.append(Path(entry.path))
            elif name.endswith(".py") and not name.startswith(("test_", "conftest")) and entry.is_file():
                found.append(Path(entry.path))
    return found[:MAX_FILES]


def project_modules(module: PythonModule, needle: str) -> list[PythonModule]:
    """The parsed modules of `module`'s project whose text holds `needle`, `module` aside."""
    project = module.project
    if not isinstance(project, PythonProject):
        return []
    root = _root(Path(module.path).parent)
    known = _FOUND.setdefault(project, {})
    key = project.resolved(root)
    paths = known.get(key)
    if paths is None:
        paths = known[key] = _files(root)
    found: list[PythonModule] = []
    own = project.resolved(module.path)
    wanted = needle.encode("utf-8")
    for path in paths:
        if project.resolved(path) == own:
            continue
        try:  # a file without the needle is not parsed: most of a project's files
            if wanted not in path.read_bytes():
                continue
        except OSError:
            continue
        other = project.module_at(path, project.display_path(module.path, path))
        if other is not None and needle in other.text:
            found.append(other)
    return found
