"""Which files a run reads: walk the given paths, skip what never holds CORS configuration.

The walk is the one cost every run pays (a warm, cached run does little else), so it
works on strings from `os.scandir`, stats only files a reader accepts, and tests
ignore rules with one combined regular expression per ignore file.
"""

from __future__ import annotations

import fnmatch
import functools
import operator
import os
import re
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

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


class Candidate(NamedTuple):
    """A file to read. `file` is the path to open; `display` the path the user reads.

    A NamedTuple, not a dataclass: a large tree makes one per file, and this is the
    cheapest immutable record to build."""

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


@dataclass(frozen=True, eq=False)  # compared by identity: one per file read
class IgnoreFile:
    """The rules of one .gitignore/.ignore, for paths below its folder (`prefix` + walked path).

    Without negated rules, a rule with no slash in it (`*.log`, `node_modules/`) is tested
    against the entry's name alone: the walk has already pruned every ignored parent,
    so the name is all that can still match. Other rules see the relative path."""

    strip: int  # characters to drop from a walked path to make it relative to the walk root
    prefix: str  # what to put in front: the walk root's path relative to this file's folder
    spec: Any  # pathspec.GitIgnoreSpec, for the general case
    fast: bool  # no negations: the regexes below decide alone
    folder_names: re.Pattern[str] | None = None  # slash-free rules, against "name/"
    file_names: re.Pattern[str] | None = None  # slash-free rules that can match a file
    paths: re.Pattern[str] | None = None  # the other rules, against the relative path

    def verdict(self, walked: str, name: str, is_dir: bool) -> bool | None:
        """True: ignored; False: re-included by a `!rule`; None: no rule applies."""
        if self.fast:
            names = self.folder_names if is_dir else self.file_names
            if names is not None and names.match(name + "/" if is_dir else name):
                return True
            if self.paths is not None:
                relative = self.prefix + walked[self.strip :] + ("/" if is_dir else "")
                if self.paths.match(relative):
                    return True
            return None
        relative = self.prefix + walked[self.strip :] + ("/" if is_dir else "")
        include: bool | None = self.spec.check_file(relative).include
        return include


_UNANCHORED = "^(?:.+/)?"
_NAMED_GROUP = re.compile(r"\(\?P<\w+>")


def _slashless(source: str) -> str:
    """The regex without the parts that only say "a folder follows" or "not a slash"."""
    return _NAMED_GROUP.sub("(?:", source).replace("(?:/)", "").replace("[^/]", "")


def _either(sources: Sequence[str]) -> re.Pattern[str] | None:
    if not sources:
        return None
    # pathspec names a group in each rule's regex; one alternation needs them anonymous
    return re.compile("|".join(f"(?:{_NAMED_GROUP.sub('(?:', source)})" for source in sources))


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
    sources = [p.regex.pattern for p in spec.patterns if p.include is not None and p.regex is not None]
    if not sources:
        return None
    if any(p.include is False for p in spec.patterns):
        return IgnoreFile(strip, prefix, spec, fast=False)
    folder_names: list[str] = []
    file_names: list[str] = []
    paths: list[str] = []
    for source in sources:
        rest = source[len(_UNANCHORED) :]
        if source.startswith(_UNANCHORED) and "/" not in _slashless(rest):
            folder_names.append("^" + rest)
            if not rest.endswith("(?P<ps_d>/)"):  # a trailing-slash rule names folders only
                file_names.append("^" + rest)
        else:
            paths.append(source)
    return IgnoreFile(strip, prefix, spec, True, _either(folder_names), _either(file_names), _either(paths))


def ignored(rules: Sequence[IgnoreFile], walked: str, name: str, is_dir: bool) -> bool:
    for rule in reversed(rules):  # the deepest ignore file decides first
        verdict = rule.verdict(walked, name, is_dir)
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
    if os.path.exists(os.path.join(real, ".git")):  # the root is a repository's top
        return found
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
    seen: set[str] = field(default_factory=set)  # real paths of explicit and linked files yielded
    visited: set[str] = field(default_factory=set)  # real paths of folders, against loops
    roots: tuple[str, ...] = ()  # real paths of the folders walked, each ending in "/"

    def inside(self, target: str) -> bool:
        """Whether a symlink points into the walked tree, where the walk meets its target anyway."""
        return (target + "/").startswith(self.roots)

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
    folders = [os.path.normpath(os.fspath(p)) for p in paths]
    state.roots = tuple(os.path.join(os.path.realpath(f), "") for f in folders if os.path.isdir(f))
    explicit = {os.path.realpath(f) for f in folders if os.path.isfile(f)}
    state.seen.update(explicit)  # a folder walk leaves these to their own place in the order
    for root in paths:
        name = os.path.normpath(os.fspath(root))
        if os.path.isfile(name):
            real = os.path.realpath(name)
            if real in explicit:
                explicit.discard(real)
                try:
                    info = os.stat(name)
                except OSError:
                    yield Candidate(name, display_path(Path(name)))
                    continue
                yield Candidate(name, display_path(Path(name)), info.st_size, info.st_mtime_ns)
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
    """Depth first, each folder's files in name order before its subfolders.

    An explicit stack rather than recursion: nested generators cost every yielded file
    one step per level of depth."""
    accepts = state.accepts
    exclude = state.exclude
    seen = state.seen  # regular files below a walked folder are unique without it
    stack = [(directory, display, real, rules)]
    while stack:
        directory, display, real, rules = stack.pop()
        if real in state.visited:  # a symlink loop, or a folder reached twice
            continue
        state.visited.add(real)
        try:
            with os.scandir(directory) as listing:
                entries = sorted(listing, key=_NAME)
        except OSError as error:
            state.skip(display or ".", f"cannot read directory: {error.strerror or error}")
            continue
        names = {entry.name for entry in entries}
        if display and not names.isdisjoint(SKIPPED_MARKERS):
            continue
        if state.respect_gitignore:
            present = [n for n in IGNORE_FILES if n in names]
            if ".git" in names and os.path.isfile(os.path.join(directory, ".git", "info", "exclude")):
                present.insert(0, ".git/info/exclude")
            if present:
                loaded = load_ignore_files(directory, present, _strip_length(directory), "")
                if loaded is not None:
                    rules = [*rules, loaded]
        # the common case, rules that test names only, is inlined below
        by_name = all(r.fast and r.paths is None for r in rules)
        file_pattern = _file_names(tuple(rules)) if by_name else None
        prefix = "" if directory == "." else directory if directory.endswith("/") else directory + "/"
        shown_prefix = f"{display}/" if display else ""
        subfolders = []
        for entry in entries:
            name = entry.name
            try:
                is_dir = entry.is_dir()
            except OSError:
                continue
            if is_dir:
                if name in SKIPPED_DIRECTORIES or name.endswith(".egg-info"):
                    continue
                walked = prefix + name
                if rules and ignored(rules, walked, name, True):
                    continue
                shown = shown_prefix + name
                if exclude and matches_any(shown, exclude):
                    continue
                real_child = f"{real}/{name}"
                if entry.is_symlink():
                    real_child = os.path.realpath(walked)
                    if state.inside(real_child):
                        continue
                subfolders.append((walked, shown, real_child, rules))
                continue
            if accepts is not None and not name.endswith(accepts):
                continue
            if name.endswith(MINIFIED_SUFFIXES):
                continue
            walked = prefix + name
            if by_name:
                if file_pattern is not None and file_pattern.match(name):
                    continue
            elif ignored(rules, walked, name, False):
                continue
            shown = shown_prefix + name
            if exclude and matches_any(shown, exclude):
                continue
            if entry.is_symlink():
                target = os.path.realpath(walked)
                if state.inside(target) or target in seen:
                    continue
                seen.add(target)
            elif seen and f"{real}/{name}" in seen:
                continue
            try:
                info = entry.stat()
            except OSError:  # a dangling symlink, or a file gone since the listing
                continue
            if not stat.S_ISREG(info.st_mode):  # FIFOs and devices would block or never end
                continue
            yield Candidate(walked, shown, info.st_size, info.st_mtime_ns)
        stack.extend(reversed(subfolders))


_NAME = operator.attrgetter("name")


@functools.lru_cache(maxsize=1024)
def _file_names(rules: tuple[IgnoreFile, ...]) -> re.Pattern[str] | None:
    patterns = [r.file_names.pattern for r in rules if r.file_names is not None]
    return re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None
