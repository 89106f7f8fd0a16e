"""Which files a run reads: walk the given paths, skip what never holds CORS configuration."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

SKIPPED_DIRECTORIES = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        "bower_components",
        ".venv",
        "venv",
        ".tox",
        ".nox",
        "__pycache__",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        ".corslint_cache",
        "site-packages",
        "dist",
        "build",
        ".next",
        ".nuxt",
        "coverage",
        ".eggs",
    }
)
MINIFIED_SUFFIXES = (".min.js", ".min.mjs", ".min.cjs", ".bundle.js")


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str


@dataclass(frozen=True)
class Candidate:
    path: Path
    display: str  # as the user will read it: relative to the working directory when possible


def display_path(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix() or "."
    except ValueError:
        return path.as_posix()


def matches_any(display: str, patterns: Sequence[str]) -> bool:
    """ruff-style excludes: a glob matches the whole path or any trailing part of it."""
    parts = display.split("/")
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        for start in range(len(parts)):
            if fnmatch.fnmatch("/".join(parts[start:]), pattern):
                return True
        if any(fnmatch.fnmatch(part, pattern) for part in parts):
            return True
    return False


def walk(
    paths: Sequence[Path],
    exclude: Sequence[str] = (),
    accepts: tuple[str, ...] | None = None,
    skipped: list[Skipped] | None = None,
) -> Iterator[Candidate]:
    """Files under `paths` in a deterministic order. Paths named explicitly are always read."""
    seen: set[Path] = set()
    for root in paths:
        if root.is_file():
            real = root.resolve()
            if real not in seen:
                seen.add(real)
                yield Candidate(root, display_path(root))
            continue
        if not root.is_dir():
            if skipped is not None:
                skipped.append(Skipped(root.as_posix(), "no such file or directory"))
            continue
        visited: set[tuple[int, int]] = set()
        yield from _walk_directory(root, exclude, accepts, seen, visited, skipped)


def _walk_directory(
    directory: Path,
    exclude: Sequence[str],
    accepts: tuple[str, ...] | None,
    seen: set[Path],
    visited: set[tuple[int, int]],
    skipped: list[Skipped] | None,
) -> Iterator[Candidate]:
    try:
        stat = directory.stat()
        entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
    except OSError as error:
        if skipped is not None:
            skipped.append(Skipped(display_path(directory), f"cannot read directory: {error.strerror}"))
        return
    key = (stat.st_dev, stat.st_ino)
    if key in visited:  # a symlink loop
        return
    visited.add(key)
    for entry in entries:
        path = Path(entry.path)
        display = display_path(path)
        try:
            is_dir = entry.is_dir()
            is_file = entry.is_file()
        except OSError:
            continue
        if is_dir:
            if entry.name in SKIPPED_DIRECTORIES or entry.name.endswith(".egg-info"):
                continue
            if exclude and matches_any(display, exclude):
                continue
            yield from _walk_directory(path, exclude, accepts, seen, visited, skipped)
        elif is_file:
            if accepts is not None and not entry.name.endswith(accepts):
                continue
            if entry.name.endswith(MINIFIED_SUFFIXES):
                continue
            if exclude and matches_any(display, exclude):
                continue
            real = path.resolve()
            if real in seen:
                continue
            seen.add(real)
            yield Candidate(path, display)
