"""Which files a run reads: walk the given paths, skip what never holds CORS configuration.

The walk is the one cost every run pays (a warm, cached run does little else), so it
works on strings from `os.scandir`, stats only files a reader accepts, and tests
ignore rules with one combined regular expression per ignore file.
"""

from __future__ import annotations

import fnmatch
import functools
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SKIPPED_DIRECTORIES = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        "bower_components",
        "jspm_packages",
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
        ".svelte-kit",
        ".turbo",
        ".parcel-cache",
        "coverage",
        ".eggs",
    }
)
# a directory holding one of these is a virtualenv or a cache whatever its name
SKIPPED_MARKERS = frozenset({"pyvenv.cfg", "CACHEDIR.TAG"})
MINIFIED_SUFFIXES = (".min.js", ".min.mjs", ".min.cjs", ".bundle.js")
IGNORE_FILES = (".gitignore", ".ignore")  # later files win, as in ripgrep


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str


@dataclass(frozen=True)
class Candidate:
    """A file to read. `file` is the path to open; `display` the path the user reads."""

    file: str
    display: str  # relative to the working directory when possible
    size: int = -1  # -1: not stat-ed yet
    mtime_ns: int = 0

    @property
    def path(self) -> Path:
        return Path(self.file)


def display_path(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix() or "."
    except ValueError:
        return path.as_posix()


@functools.lru_cache(maxsize=256)
def _glob(pattern: str) -> re.Pattern[str]:
    return re.compile(fnmatch.translate(pattern.rstrip("/")))


def matches_any(display: str, patterns: Sequence[str]) -> bool:
    """ruff-style excludes: a glob matches the whole path or any trailing part of it."""
    parts = display.split("/")
    tails = ["/".join(parts[start:]) for start in range(len(parts))]
    for pattern in patterns:
        compiled = _glob(pattern)
        if any(compiled.match(tail) for tail in tails) or any(compiled.match(part) for part in parts):
            return True
    return False


@dataclass(frozen=True)
class IgnoreFile:
    """The rules of one .gitignore/.ignore, for paths below `base` (`prefix` + relative path)."""

    strip: int  # characters to drop from a walked path to make it relative to the walk root
    prefix: str  # what to put in front: the walk root's path relative to this file's folder
    spec: Any  # pathspec.GitIgnoreSpec
    fast: re.Pattern[str] | None  # every rule in one regex, when no rule is a negation

    def verdict(self, walked: str, is_dir: bool) -> bool | None:
        """True: ignored; False: re-included by a `!rule`; None: no rule applies."""
        relative = self.prefix + walked[self.strip :]
        if is_dir:
            relative += "/"
        if self.fast is not None:
            return True if self.fast.match(relative) else None
        include: bool | None = self.spec.check_file(relative).include
        return include


def load_ignore_files(directory: str, names: Sequence[str], strip: int, prefix: str) -> IgnoreFile | None:
    lines: list[str] = []
    for name in names:
        try:
            with open(os.path.join(directory, name), encoding="utf-8", errors="replace") as handle:
                lines.extend(handle.read().splitlines())
        except OSError:
            continue
    if not lines:
        return None
    import pathspec

    spec = pathspec.GitIgnoreSpec.from_lines(lines)
    patterns = [p for p in spec.patterns if p.include is not None and p.regex is not None]
    if not patterns:
        return None
    fast = None
    if all(p.include for p in patterns):
        sources = [p.regex.pattern for p in patterns if p.regex is not None]
        fast = re.compile("|".join(f"(?:{_anonymous(source)})" for source in sources))
    return IgnoreFile(strip, prefix, spec, fast)


def _anonymous(pattern: str) -> str:
    """pathspec names a group in each rule's regex; one alternation needs them anonymous."""
    return _NAMED_GROUP.sub("(?:", pattern)


_NAMED_GROUP = re.compile(r"\(\?P<\w+>")


def ignored(rules: Sequence[IgnoreFile], walked: str, is_dir: bool) -> bool:
    for rule in reversed(rules):  # the deepest ignore file decides first
        verdict = rule.verdict(walked, is_dir)
        if verdict is not None:
            return verdict
    return False


def _join(directory: str, name: str) -> str:
    if directory == ".":
        return name
    return directory + name if directory.endswith("/") else f"{directory}/{name}"


def _strip_length(directory: str) -> int:
    if directory == ".":
        return 0
    return len(directory) if directory.endswith("/") else len(directory) + 1


def _ancestor_ignore_files(root: str) -> list[IgnoreFile]:
    """Ignore files above a walk root, up to the repository's top (none outside a repository)."""
    real = os.path.realpath(root)
    found: list[IgnoreFile] = []
    directory = os.path.dirname(real)
    chain: list[str] = []
    while True:
        chain.append(directory)
        if os.path.exists(os.path.join(directory, ".git")):
            break
        parent = os.path.dirname(directory)
        if parent == directory:
            return []
        directory = parent
    for ancestor in reversed(chain):  # outermost first, so deeper files override
        prefix = os.path.relpath(real, ancestor).replace(os.sep, "/") + "/"
        names = [*IGNORE_FILES, ".git/info/exclude"] if ancestor == chain[-1] else list(IGNORE_FILES)
        loaded = load_ignore_files(ancestor, names, _strip_length(root), prefix)
        if loaded is not None:
            found.append(loaded)
    return found


@dataclass
class Walk:
    """One traversal's options and bookkeeping."""

    exclude: Sequence[str] = ()
    accepts: tuple[str, ...] | None = None
    skipped: list[Skipped] | None = None
    respect_gitignore: bool = True
    seen: set[str] = field(default_factory=set)  # real paths of files already yielded
    visited: set[tuple[int, int]] = field(default_factory=set)  # directories, against loops

    def skip(self, path: str, reason: str) -> None:
        if self.skipped is not None:
            self.skipped.append(Skipped(path, reason))


def walk(
    paths: Sequence[Path],
    exclude: Sequence[str] = (),
    accepts: tuple[str, ...] | None = None,
    skipped: list[Skipped] | None = None,
    *,
    respect_gitignore: bool = True,
) -> Iterator[Candidate]:
    """Files under `paths` in a deterministic order. Paths named explicitly are always read."""
    state = Walk(exclude, accepts, skipped, respect_gitignore)
    for root in paths:
        name = os.path.normpath(os.fspath(root))
        if os.path.isfile(name):
            real = os.path.realpath(name)
            if real not in state.seen:
                state.seen.add(real)
                try:
                    stat = os.stat(name)
                except OSError:
                    yield Candidate(name, display_path(Path(name)))
                    continue
                yield Candidate(name, display_path(Path(name)), stat.st_size, stat.st_mtime_ns)
            continue
        if not os.path.isdir(name):
            state.skip(Path(name).as_posix(), "no such file or directory")
            continue
        rules = _ancestor_ignore_files(name) if respect_gitignore else []
        display = display_path(Path(name))
        yield from _walk_directory(
            state, name, "" if display == "." else display, os.path.realpath(name), rules
        )


def _walk_directory(
    state: Walk, directory: str, display: str, real: str, rules: list[IgnoreFile]
) -> Iterator[Candidate]:
    try:
        stat = os.stat(directory)
        with os.scandir(directory) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError as error:
        state.skip(display or ".", f"cannot read directory: {error.strerror or error}")
        return
    key = (stat.st_dev, stat.st_ino)
    if key in state.visited:  # a symlink loop, or a folder reached twice
        return
    state.visited.add(key)
    names = {entry.name for entry in entries}
    if display and not names.isdisjoint(SKIPPED_MARKERS):
        return
    if state.respect_gitignore:
        present = [n for n in IGNORE_FILES if n in names]
        if ".git" in names and os.path.isfile(os.path.join(directory, ".git", "info", "exclude")):
            present.insert(0, ".git/info/exclude")
        if present:
            loaded = load_ignore_files(directory, present, _strip_length(directory), "")
            if loaded is not None:
                rules = [*rules, loaded]
    accepts = state.accepts
    for entry in entries:
        name = entry.name
        try:
            is_dir = entry.is_dir()
            is_file = not is_dir and entry.is_file()
        except OSError:
            continue
        if not (is_dir or is_file):
            continue
        walked = _join(directory, name)
        shown = f"{display}/{name}" if display else name
        if is_dir:
            if name in SKIPPED_DIRECTORIES or name.endswith(".egg-info"):
                continue
            if rules and ignored(rules, walked, True):
                continue
            if state.exclude and matches_any(shown, state.exclude):
                continue
            real_child = os.path.realpath(walked) if entry.is_symlink() else f"{real}/{name}"
            yield from _walk_directory(state, walked, shown, real_child, rules)
            continue
        if accepts is not None and not name.endswith(accepts):
            continue
        if name.endswith(MINIFIED_SUFFIXES):
            continue
        if rules and ignored(rules, walked, False):
            continue
        if state.exclude and matches_any(shown, state.exclude):
            continue
        real_file = os.path.realpath(walked) if entry.is_symlink() else f"{real}/{name}"
        if real_file in state.seen:
            continue
        state.seen.add(real_file)
        try:
            info = entry.stat()
        except OSError:  # a dangling symlink, or a file gone since the listing
            continue
        yield Candidate(walked, shown, info.st_size, info.st_mtime_ns)
