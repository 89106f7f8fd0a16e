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
# per PythonProject too: the files of a root folder whose bytes hold a needle, resolved
# (a project's routes ask the same question once per view: each file is read once for it)
_HOLDING: weakref.WeakKeyDictionary[PythonProject, dict[tuple[Path, str], list[tuple[Path, Path]]]] = (
    weakref.WeakKeyDictionary()
)


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
    found: list[PythonModule] = []
    own = project.resolved(module.path)
    for path, resolved in _holding(project, root, needle):
        if resolved == own:
            continue
        other = project.module_at(path, project.display_path(module.path, path))
        if other is not None and needle in other.text:
            found.append(other)
    return found


def _holding(project: PythonProject, root: Path, needle: str) -> list[tuple[Path, Path]]:
    """The files around `root` whose bytes hold `needle`, with their resolved paths."""
    key = project.resolved(root)
    holding = _HOLDING.setdefault(project, {})
    found = holding.get((key, needle))
    if found is not None:
        return found
    known = _FOUND.setdefault(project, {})
    paths = known.get(key)
    if paths is None:
        paths = known[key] = _files(root)
    found = []
    wanted = needle.encode("utf-8")
    for path in paths:
        try:  # a file without the needle is not parsed: most of a project's files
            if wanted not in path.read_bytes():
                continue
        except OSError:
            continue
        found.append((path, project.resolved(path)))
    holding[(key, needle)] = found
    return found
