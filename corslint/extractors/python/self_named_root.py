"""Imports that name the project through the package its checkout is deployed as (census 11
B1, Jhosep2022/aviator-backend main.py → core/cors.py): the repository holds main.py,
core/, routers/ at its top and no `app/` folder, yet imports `from app.core.cors import
configure_cors`, because it is cloned into a folder named `app` and started from the parent
(`uvicorn app.main:app`). Python then finds `app.core.cors` at `<checkout>/core/cors.py`.

Read only where the usual search (the importer's folder and those above it) finds nothing,
the project's root (project_files.project_root: the nearest folder with requirements.txt,
pyproject.toml, .git ...) has no folder or module named like the package, no requirements
file of the root names it, the rest of the name is a module of the root, and every other
import of that package in the project's files resolves the same way (a third-party package
missing from the checkout, `from rest_framework.views import ...`, has imports no root
module answers)."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from corslint.extractors.python.project_files import project_root, python_files

ModuleFile = Callable[[str, list[str]], "Path | None"]
_REQUIREMENT_FILES = ("requirements.txt", "pyproject.toml", "Pipfile", "setup.py", "setup.cfg")


class SelfNamedRoots:
    """Per run: which project roots answer imports of which package name."""

    def __init__(self) -> None:
        self._verdicts: dict[tuple[Path, str], bool] = {}
        self._roots: dict[str, Path] = {}  # importer folder -> its project root

    def find(self, here: str, parts: list[str], module_file: ModuleFile) -> Path | None:
        """`parts` (`["app", "core", "cors"]`) imported from a module in folder `here`: the
        file under the project's root that answers it, or None."""
        if len(parts) < 2 or not parts[0].isidentifier():
            return None
        root = self._roots.get(here)
        if root is None:
            root = self._roots[here] = project_root(os.path.join(here, "__init__.py"))
        found = module_file(str(root), parts[1:])
        if found is None:
            return None
        key = (root, parts[0])
        verdict = self._verdicts.get(key)
        if verdict is None:
            verdict = self._verdicts[key] = answers_package(root, parts[0], module_file)
        return found if verdict else None


def names_checkout(root: Path, package: str) -> bool:
    """Whether the project at `root` imports itself as `package` (see above)."""
    try:
        stamp = os.stat(root).st_mtime_ns
    except OSError:
        return False
    return _names_checkout(root, package, stamp)


@lru_cache(maxsize=256)
def _names_checkout(root: Path, package: str, stamp: int) -> bool:
    return answers_package(root, package, _module_file)


def _module_file(base: str, parts: list[str]) -> Path | None:
    joined = os.path.join(base, *parts)
    if os.path.isfile(os.path.join(joined, "__init__.py")):
        return Path(joined, "__init__.py")
    return Path(joined + ".py") if os.path.isfile(joined + ".py") else None


def answers_package(root: Path, package: str, module_file: ModuleFile) -> bool:
    if root.name == package or (root / package).exists() or (root / f"{package}.py").exists():
        return False
    word = re.compile(rb"(?<![\w.-])" + re.escape(package.encode()) + rb"(?![\w-])", re.IGNORECASE)
    for name in _REQUIREMENT_FILES:
        try:
            if word.search((root / name).read_bytes()):
                return False  # a dependency of that name: the import is of it
        except OSError:
            continue
    imports = re.compile(
        rb"^[ \t]*(?:from|import)[ \t]+" + re.escape(package.encode()) + rb"\.([\w.]+)", re.M
    )
    seen = False
    for path in python_files(root):
        try:
            source = path.read_bytes()
        except OSError:
            return False
        if package.encode() not in source:
            continue
        for match in imports.finditer(source):
            rest = match.group(1).decode("ascii", "replace").strip(".").split(".")
            if module_file(str(root), rest) is None and not (root / Path(*rest)).is_dir():
                return False
            seen = True
    return seen
