"""Where a Node project's files are: its root, its JS/TS sources, and the names that mark
development code or a bundle."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from corslint.extractors.development_paths import is_development_path as is_development_path

JS_SUFFIXES = frozenset({".js", ".cjs", ".mjs", ".jsx", ".ts", ".tsx", ".mts", ".cts"})
SKIPPED_DIRECTORIES = frozenset({"node_modules", "dist", "build", ".next", "coverage", ".git", "out"})


def looks_minified(text: str) -> bool:
    """A bundle whatever its name: long, with lines far longer than anyone writes."""
    if len(text) < 20_000:
        return False
    lines = text.count("\n") + 1
    return len(text) / lines > 300


def project_root(file: Path) -> Path | None:
    """The nearest folder above `file` holding a package.json (the Node project)."""
    for parent in file.resolve().parents:
        if (parent / "package.json").is_file():
            return parent
        if (parent / ".git").exists():
            return None
    return None


def project_files(root: Path) -> Iterator[Path]:
    """JS/TS sources of a Node project, without node_modules, build output and bundles."""
    for directory, folders, files in os.walk(root):
        folders[:] = sorted(f for f in folders if f not in SKIPPED_DIRECTORIES and not f.startswith("."))
        for name in sorted(files):
            if os.path.splitext(name)[1] in JS_SUFFIXES and not name.endswith((".min.js", ".bundle.js")):
                yield Path(directory) / name


class Unsearchable(Exception):
    """A search through a project's other files cannot say "nowhere": the project holds more
    files than the search may read, or one of them could not be read."""


def other_sources(root: Path, own: Path, limit: int) -> Iterator[bytes]:
    """The bytes of each JS/TS source of the project at `root` but `own` (its real path), in
    `project_files` order; raises `Unsearchable` past `limit` files or at an unreadable one."""
    for count, file in enumerate(project_files(root)):
        if count >= limit:
            raise Unsearchable(f"more than {limit} files under {root}")
        if names_file(file, own):
            continue
        try:
            yield file.read_bytes()
        except OSError as error:
            raise Unsearchable(str(error)) from error


def names_file(path: Path, own: Path) -> bool:
    """Whether `path` names the file whose real path is `own`, as `path.resolve() == own`
    says, paying for the resolve (an lstat of every folder on the way) only where a symlink
    could make two names one file: the same path spelled alike is the file, and a name
    other than the file's own is another file unless the name itself is a link."""
    if os.path.abspath(path) == str(own):
        return True
    if path.name != own.name and not os.path.islink(path):
        return False
    return path.resolve() == own
