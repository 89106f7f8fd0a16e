"""Which files a run reads: walk the given paths, skip what never holds CORS configuration.

The walk is the one cost every run pays (a warm, cached run does little else), so it
works on strings from `os.scandir`, keeps only files a reader accepts, tests ignore
rules with one combined regular expression per ignore file, and never stats a file:
whoever reads the files stats them (the workers of a cold run; `file_stats.FileStats`
for a run that checks them against the cache).

`.gitignore` rules count only inside a git repository, and there not for a file git
tracks (`ignore_files`, `git_tracked`): the walk reads what ripgrep reads outside a
repository, and what the repository holds inside one.

With a `FolderMemory` (the results cache), a folder whose modification time, ignore
files and inherited ignore rules are as the last walk saw them is not listed again: its
kept file names and subfolders are recalled (editing a file in place leaves its
folder's mtime alone; adding, removing or renaming an entry does not). Ignore files are
then read only where a folder has to be listed again. A folder where a git rule ignored
an entry depends on git's index too (`git add -f` makes an ignored file count): its
listing is remembered with the index's stamp.
"""

from __future__ import annotations

import fnmatch
import functools
import operator
import os
import re
import stat
from collections.abc import Iterator, Sequence, Set
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from corslint.runner.git_tracked import Repository
from corslint.runner.ignore_files import (
    GIT_EXCLUDE,
    GIT_IGNORE_FILES,
    IGNORE_FILES,
    RACY,
    IgnoreSource,
    RuleSet,
    ancestor_rules,
    change_stamp,
    decided,
    file_names,
    ignored,
    ignored_by_git,
    own_token,
    stamp_of,
    strip_length,
)

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
        # build output and local state of deployment tools: copies of the project's own
        # files (wrangler dev's bundles, `vercel build`, `netlify dev`, `sls package`,
        # `sam build`, Nitro/Nuxt output), which would report every finding again
        ".wrangler",
        ".vercel",
        ".netlify",
        ".serverless",
        ".aws-sam",
        ".output",
        ".angular",
        ".docusaurus",
        # an editor's timestamped copies of the project's files (VS Code's Local History
        # extension), half-typed ones too: a finding, or a parse error, per saved version
        ".history",
    }
)
# a directory holding one of these is a virtualenv or a cache whatever its name
SKIPPED_MARKERS = frozenset({"pyvenv.cfg", "CACHEDIR.TAG"})
MINIFIED_SUFFIXES = (".min.js", ".min.mjs", ".min.cjs", ".bundle.js")


@dataclass(frozen=True)
class Skipped:
    """A path the run did not analyse, and why (reported as a note, never silently).
    `missing`: named on the command line and not there, which the run reports as CORS001."""

    path: str
    reason: str
    missing: bool = False


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


def _join(directory: str, name: str) -> str:
    if directory == ".":
        return name
    return directory + name if directory.endswith("/") else f"{directory}/{name}"


class Listing(NamedTuple):
    """What a folder held when last listed, after every rule that depends only on names."""

    mtime_ns: int
    walked: str  # the path the folder was listed under
    rules: str  # the token of the ignore rules inherited from above
    ignore_stamps: list[Any]  # [name, size, mtime_ns] of each ignore file that can apply here
    files: list[str]  # accepted, not ignored, not excluded; symlinks and stats not yet checked
    folders: list[str]  # subfolders to walk, in walk order


class FolderMemory(Protocol):
    def recall(self, display: str) -> Listing | None: ...

    def remember(self, display: str, listing: Listing) -> None: ...

    def walked(self, display: str, names: list[str], candidates: list[Candidate]) -> None:
        """The files yielded for a folder, in order (the next candidates of the walk)."""


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
    memory: FolderMemory | None = None
    anchor: str = ""  # put before a shown path to match `exclude` (Settings.exclude_anchor)
    # `accepts` split: an entry starting with "." is a suffix (`.py`), any other a whole
    # name (`_headers`, `vercel.json`): `security_headers` is no Netlify file, as the readers agree
    suffixes: tuple[str, ...] = ()
    names: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.accepts is not None:
            self.suffixes = tuple(a for a in self.accepts if a.startswith("."))
            self.names = frozenset(a for a in self.accepts if not a.startswith("."))

    def inside(self, target: str) -> bool:
        """Whether a symlink points into the walked tree, where the walk meets its target anyway."""
        return (target + "/").startswith(self.roots)

    def skip(self, path: str, reason: str, missing: bool = False) -> None:
        if self.skipped is not None:
            self.skipped.append(Skipped(path, reason, missing))


def walk(
    paths: Sequence[Path],
    exclude: Sequence[str] = (),
    accepts: tuple[str, ...] | None = None,
    skipped: list[Skipped] | None = None,
    *,
    respect_gitignore: bool = True,
    memory: FolderMemory | None = None,
) -> Iterator[Candidate]:
    """Files under `paths` in a deterministic order. Paths named explicitly are always read.

    `memory` must be given only with the same `exclude`, `accepts`, `respect_gitignore`
    and working directory as the walks it remembers."""
    for group in walk_folders(
        paths, exclude, accepts, skipped, respect_gitignore=respect_gitignore, memory=memory
    ):
        yield from group


def walk_folders(
    paths: Sequence[Path],
    exclude: Sequence[str] = (),
    accepts: tuple[str, ...] | None = None,
    skipped: list[Skipped] | None = None,
    *,
    respect_gitignore: bool = True,
    memory: FolderMemory | None = None,
    force_exclude: bool = False,
    exclude_anchor: str = "",
) -> Iterator[list[Candidate]]:
    """`walk`, a folder's files at a time (a list, never empty): the consumers of a large
    tree then pay no generator step per file. `force_exclude`: `exclude` applies to the
    paths named too (pre-commit names each file), which are then not even looked at."""
    state = Walk(exclude, accepts, skipped, respect_gitignore, memory=memory, anchor=exclude_anchor)
    folders = [os.path.normpath(os.fspath(p)) for p in paths]
    state.roots = tuple(os.path.join(os.path.realpath(f), "") for f in folders if os.path.isdir(f))
    explicit = {os.path.realpath(f) for f in folders if os.path.isfile(f)}
    state.seen.update(explicit)  # a folder walk leaves these to their own place in the order
    for root in paths:
        name = os.path.normpath(os.fspath(root))
        shown = exclude_anchor + display_path(Path(name))
        if force_exclude and exclude and name != "." and matches_any(shown, exclude):
            continue
        if os.path.isfile(name):
            real = os.path.realpath(name)
            if real in explicit:
                explicit.discard(real)
                candidate = Candidate(name, display_path(Path(name)))
                if memory is not None:
                    folder, _, base = candidate.display.rpartition("/")
                    memory.walked(folder, [base], [candidate])
                yield [candidate]
            continue
        if not os.path.isdir(name):
            if os.path.exists(name):  # a FIFO, a device, a socket: nothing to lint there
                state.skip(Path(name).as_posix(), "not a regular file or folder; not read")
            elif os.path.islink(name):
                state.skip(Path(name).as_posix(), "a symbolic link to nothing", missing=True)
            else:
                state.skip(Path(name).as_posix(), "no such file or directory", missing=True)
            continue
        rules = ancestor_rules(name) if respect_gitignore else RuleSet()
        display = display_path(Path(name))
        yield from _walk_directory(
            state, name, "" if display == "." else display, os.path.realpath(name), rules
        )


def _walk_directory(
    state: Walk, directory: str, display: str, real: str, rules: RuleSet
) -> Iterator[list[Candidate]]:
    """Depth first, each folder's files in name order before its subfolders.

    An explicit stack rather than recursion: nested generators cost every yielded file
    one step per level of depth."""
    seen = state.seen  # regular files below a walked folder are unique without it
    memory = state.memory
    # clean: no ignore rule applied to a folder on the way down (`IgnoreFile.verdict`)
    stack = [(directory, display, real, rules, True)]
    root = real
    while stack:
        directory, display, real, rules, clean = stack.pop()
        if real in state.visited:  # a symlink loop, or a folder reached twice
            continue
        state.visited.add(real)
        prefix = "" if directory == "." else directory if directory.endswith("/") else directory + "/"
        shown_prefix = f"{display}/" if display else ""
        recalled = _recall(memory, directory, display, real, prefix, rules) if memory is not None else None
        if recalled is None:
            # the folder named on the command line is linted even where it holds pyvenv.cfg
            # (census 11 B3): only what is inside it may be skipped as a virtualenv
            top = real == root
            listed = _list(state, directory, display, real, rules, prefix, shown_prefix, clean, top)
            if listed is None:
                continue
            names, subfolders, rules, applied = listed
        else:  # (a recalled folder's subfolders: not known to be clean)
            names, subfolders, rules = recalled
            applied, clean = _NONE, False
        found, kept = _unstamped(names, prefix, shown_prefix, real, seen)
        if found:
            if memory is not None:
                memory.walked(display, kept, found)
            yield found
        stack.extend(
            (prefix + name, shown_prefix + name, f"{real}/{name}", rules, clean and name not in applied)
            if isinstance(name, str)
            else (*name, False)
            for name in reversed(subfolders)
        )


_NONE: frozenset[str] = frozenset()


_new = tuple.__new__  # builds a Candidate without a Python-level __new__ call


def _unstamped(
    names: list[Any], prefix: str, shown_prefix: str, real: str, seen: set[str]
) -> tuple[list[Candidate], list[str]]:
    """The folder's files as candidates, not stat-ed (size -1: the reader stats them), and
    their names. The listing has left out what was not a regular file when listed."""
    same = prefix == shown_prefix  # walked from ".": one string serves as both
    if not seen:  # the common case, in one comprehension: no linked file anywhere yet
        if same:
            paths = [prefix + name for name in names] if prefix else names
            return [_new(Candidate, (path, path, -1, 0)) for path in paths], names
        return [_new(Candidate, (prefix + name, shown_prefix + name, -1, 0)) for name in names], names
    found: list[Candidate] = []
    kept: list[str] = []
    for name in names:
        if not isinstance(name, str):  # a linked file, resolved (and stat-ed) while listing
            found.append(name)
            kept.append(name.display.rpartition("/")[2])
        elif f"{real}/{name}" not in seen:
            path = prefix + name
            found.append(_new(Candidate, (path, path if same else shown_prefix + name, -1, 0)))
            kept.append(name)
    return found, kept


def _index_token(repo: Repository) -> str:
    """The stamp of the repository's index, once a walk ("" when too recent to trust)."""
    if repo.index_token is None:
        size, stamp = stamp_of(repo.index_path())
        repo.index_token = "" if stamp == RACY else f"|index {size} {stamp}"
    return repo.index_token


def _recall(
    memory: FolderMemory, directory: str, display: str, real: str, prefix: str, rules: RuleSet
) -> tuple[list[str], list[str], RuleSet] | None:
    """The remembered listing of a folder, if it still holds."""
    listing = memory.recall(display)
    if listing is None or listing.walked != directory:
        return None
    top = any(name == GIT_EXCLUDE for name, _, _ in listing.ignore_stamps)  # the folder held `.git`
    repo = Repository(real) if top else rules.repo
    # a listing that asked git what it tracks holds while the index is as it was
    if listing.rules != rules.token and (
        repo is None or listing.rules != rules.token + (_index_token(repo) or "|racy")
    ):
        return None
    try:
        mtime = change_stamp(os.stat(directory))
    except OSError:
        return None
    if mtime != listing.mtime_ns or mtime == RACY:
        return None
    own = listing.ignore_stamps
    if own and [[name, *stamp_of(prefix + name)] for name, _, _ in own] != own:
        return None
    if top and repo is not None:
        rules = rules.entering(repo)
    return listing.files, listing.folders, _with_own(rules, directory, own, True)


def _with_own(rules: RuleSet, directory: str, own: list[Any], trusted: bool) -> RuleSet:
    """The rules below a folder: its own ignore files (`own`, stamped) after those above,
    the git ones (.git/info/exclude, .gitignore) and then `.ignore`, which wins."""
    names = [name for name, size, _ in own if size >= 0]
    if not names:
        return rules
    token = own_token(directory, own)
    git = tuple(name for name in names if name in GIT_IGNORE_FILES)
    plain = tuple(name for name in names if name not in GIT_IGNORE_FILES)
    for group, is_git in ((git, True), (plain, False)):
        if group:
            source = IgnoreSource(directory, group, strip_length(directory), "", token, is_git)
            rules = rules.extend(source, trusted)
    return rules


def _list(
    state: Walk,
    directory: str,
    display: str,
    real: str,
    rules: RuleSet,
    prefix: str,
    shown_prefix: str,
    clean: bool = False,
    top: bool = False,
) -> tuple[list[Any], list[Any], RuleSet, Set[str]] | None:
    """List a folder and filter its entries: the files to stat, the subfolders to walk,
    and those of them an ignore rule applied to (re-included: not clean below)."""
    accepts, suffixes, whole_names = state.accepts, state.suffixes, state.names
    exclude = state.exclude
    try:
        mtime = change_stamp(os.stat(directory)) if state.memory is not None else RACY
        with os.scandir(directory) as listing:
            entries = sorted(listing, key=_NAME)
    except OSError as error:
        state.skip(display or ".", f"cannot read directory: {error.strerror or error}")
        return None
    inherited = rules
    names = {entry.name for entry in entries}
    own: list[Any] = []
    if display and not top and not names.isdisjoint(SKIPPED_MARKERS):
        entries = []
    elif state.respect_gitignore and not rules.forced:
        if ".git" in names:  # a repository's top (a `.git` file: a worktree, a submodule)
            rules = rules.entering(Repository(real))
        # outside a repository, .gitignore files are not read (ripgrep's `--no-require-git` off)
        candidates = [n for n in (IGNORE_FILES if rules.repo is not None else _PLAIN) if n in names]
        if ".git" in names:
            candidates.insert(0, GIT_EXCLUDE)
        if candidates:
            own = [[name, *stamp_of(_join(directory, name))] for name in candidates]
            rules = _with_own(rules, directory, own, all(m != RACY for _, s, m in own if s >= 0))
    files = rules.files
    repo = rules.repo
    asked = repo.asked if repo is not None else 0
    forcing: RuleSet | None = None  # the rules below an ignored folder holding tracked files
    # the common case, rules that test names only, is inlined below
    by_name = all(r.fast and r.paths is None for r in files)
    file_pattern = file_names(tuple(files)) if by_name else None
    kept: list[Any] = []  # names to stat
    subfolders: list[Any] = []  # names, and linked folders already resolved
    applied: set[str] = set()
    linked = False
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
            verdict = decided(files, walked, name, True, clean) if files else None
            if verdict and not _tracked(state, rules, real, walked, name, True, clean):
                continue
            shown = shown_prefix + name
            if exclude and matches_any(state.anchor + shown, exclude):
                continue
            if entry.is_symlink():
                linked = True
                if not state.inside(os.path.realpath(walked)):
                    state.skip(shown, f"{_LINK_OUT}folder outside the paths being linted; not followed")
                continue  # (inside them, the folder is walked where it is)
            if verdict:  # ignored, and holding tracked files: only they are read below
                forcing = forcing or rules.forcing()
                subfolders.append((walked, shown, f"{real}/{name}", forcing))
                continue
            subfolders.append(name)
            if verdict is not None:
                applied.add(name)
            continue
        if accepts is not None and not name.endswith(suffixes) and name not in whole_names:
            continue
        if name.endswith(MINIFIED_SUFFIXES):
            continue
        walked = prefix + name
        if by_name:
            if (
                file_pattern is not None
                and file_pattern.match(name)
                and not _tracked(state, rules, real, walked, name, False, clean)
            ):
                continue
        elif ignored(files, walked, name, False, clean) and not _tracked(
            state, rules, real, walked, name, False, clean
        ):
            continue
        shown = shown_prefix + name
        if exclude and matches_any(state.anchor + shown, exclude):
            continue
        if entry.is_symlink():
            linked = True
            why = _unfollowed_link(state, walked)
            if why is not None:
                state.skip(shown, why)
            continue  # a link into the linted paths: its target is read where it is
        if not entry.is_file():  # FIFOs and devices: never opened
            continue
        kept.append(name)
    remember = state.memory is not None and not linked and rules.trusted and mtime != RACY
    token = inherited.token
    if repo is not None and (repo.asked != asked or rules.forced):  # asked git what it tracks
        token += _index_token(repo)
        remember = remember and repo.failure is None and token != inherited.token
        remember = remember and not rules.forced and forcing is None  # (the listing keeps names only)
    # a link's target can change without its folder changing: such folders are listed each time
    if remember and state.memory is not None and not any(map(_IS_SYMLINK, entries)):
        state.memory.remember(display, Listing(mtime, directory, token, own, kept, subfolders))
    return kept, subfolders, rules, applied


_LINK_OUT = "a symbolic link to a "
_PLAIN = tuple(name for name in IGNORE_FILES if name not in GIT_IGNORE_FILES)


def _tracked(
    state: Walk, rules: RuleSet, real: str, walked: str, name: str, is_dir: bool, clean: bool
) -> bool:
    """Whether an entry the ignore rules ignore is read all the same: a .gitignore (or
    .git/info/exclude) rule ignores it, and git tracks it (a folder: a file below it).
    When git cannot say, the rule decides, and the walk says so once per repository."""
    repo = rules.repo
    if repo is None or not ignored_by_git(rules.files, walked, name, is_dir, clean):
        return False
    folder = repo.relative(real)
    path = f"{folder}/{name}" if folder else name
    tracked = repo.tracked_below(path) if is_dir else repo.tracked_file(path)
    if tracked is None:
        if not repo.reported:
            repo.reported = True
            state.skip(
                walked,
                f"named by a .gitignore rule, and git could not tell whether it is tracked ({repo.failure}):"
                " not read, nor any other file of the repository that .gitignore names",
            )
        return False
    return tracked


def _unfollowed_link(state: Walk, path: str) -> str | None:
    """Why a linked file is not read, for the note that says so: its target lies outside
    the paths being linted (as in ruff, a walk never leaves them: a link to `/` would lint
    the machine and print its files into a CI log), or is not a regular file (a FIFO would
    block, a device never end). None: a link to a file the walk reads in its own place."""
    target = os.path.realpath(path)
    try:
        mode = os.stat(target).st_mode
    except OSError:
        return "a symbolic link to nothing; not read"
    if not stat.S_ISREG(mode):
        return f"{_LINK_OUT}special file (not a regular file); not read"
    if not state.inside(target):
        return f"{_LINK_OUT}file outside the paths being linted; not followed"
    return None


_NAME = operator.attrgetter("name")
_IS_SYMLINK = os.DirEntry.is_symlink  # through map: no generator frame per entry
