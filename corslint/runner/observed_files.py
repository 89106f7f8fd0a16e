"""What an extraction looked at besides its own file, so that the cache can tell when
what it found stops being true.

Extractors read other files (an imported settings module, a required JS module, a
config file, a package.json), look for files that are not there (`from config.cors
import ORIGINS` before `config/cors.py` exists) and list folders (a project's modules,
searched for the callers of a helper). Each of these is an *observation*: a path and what
was seen there, a token. A cached outcome is reused only while every observation it was
made from still holds; a file that appears where one was looked for, a module edited,
an entry added to a folder listed, each changes a token.

Observations are gathered where the extractors do their I/O, in the `os`, `io` and
built-in functions they reach it through (`Path.is_file`, `read_text`, `os.walk`,
`glob` and `realpath` all end there), while a thread is observing. Every extractor,
present and future, is then covered without a line of its own, which an explicit
"record what you read" call in each of them could not promise. Tokens are made from
what the call itself returned (the stat it made, the listing it read), never from a
second look that could see a later state.

An extraction must run with a fresh ProjectContext to be observed whole: a module parsed
for an earlier file and found in the context's memo is read without any I/O. What the
extractions of a run share instead goes through an `ObservedMemo`, which keeps with each
value the observations made while working it out, and notes them again at each hit.
"""

from __future__ import annotations

import builtins
import contextlib
import errno
import hashlib
import io
import os
import stat
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator, Sequence
from typing import Any, TypeVar

from corslint.runner.ignore_files import RACY, change_stamp

Observation = tuple[str, str, str]  # kind, path, token
STAT = "s"  # os.stat (following links), or a file opened for reading
LSTAT = "l"  # os.lstat: a link is seen as a link, with its target's path
ENTRIES = "e"  # os.scandir: names and kinds of the entries
NAMES = "n"  # os.listdir: names
UNSTABLE = "?"  # seen twice, differently; or through a descriptor: never holds again
_MISSING = "-"
_GONE = frozenset({errno.ENOENT, errno.ENOTDIR})
_KINDS = (STAT, LSTAT, ENTRIES, NAMES)


class Observer:
    """The observations of one extraction, the first token of each path and kind kept."""

    def __init__(self) -> None:
        self.seen: dict[tuple[str, str], str] = {}
        # what memoized values being worked out (ObservedMemo) have observed, innermost last
        self.recordings: list[dict[tuple[str, str], str]] = []
        self._cwd = os.getcwd() if os.name == "posix" else ""  # extractors never change it

    def note(self, kind: str, path: Any, token: str) -> None:
        # a str nearly always (110k notes in a run over a tree of real projects, most of
        # them the lstat of each folder `realpath` walks through): tested first
        if type(path) is not str:
            if isinstance(path, os.PathLike):
                path = os.fspath(path)
            if isinstance(path, bytes):
                path = os.fsdecode(path)
            if not isinstance(path, str):  # a descriptor: what it names is not known here
                self._add((UNSTABLE, ""), UNSTABLE)
                return
        self._add((kind, _absolute(path, self._cwd)), token)

    def merge(self, seen: dict[tuple[str, str], str]) -> None:
        """Observations made before, as they were made (a memoized value's)."""
        for key, token in seen.items():
            self._add(key, token)

    def _add(self, key: tuple[str, str], token: str) -> None:
        seen = self.seen
        if seen.setdefault(key, token) != token:
            seen[key] = UNSTABLE
        for recording in self.recordings:
            if recording.setdefault(key, token) != token:
                recording[key] = UNSTABLE

    def observations(self) -> tuple[Observation, ...]:
        return tuple((kind, path, token) for (kind, path), token in sorted(self.seen.items()))


_ABSOLUTE: dict[tuple[str, str], str] = {}  # (working folder, path) -> absolute path


def _absolute(path: str, cwd: str) -> str:
    """`os.path.abspath(path)` with the working folder `cwd`: the same few thousand paths
    are observed by every extraction (each module lookup stats its candidates), and
    abspath asks for the working folder each time (54k observations on a real tree)."""
    if not cwd:
        return os.path.abspath(path)
    key = (cwd, path)
    found = _ABSOLUTE.get(key)
    if found is None:
        if len(_ABSOLUTE) >= 100_000:
            _ABSOLUTE.clear()
        found = _ABSOLUTE[key] = os.path.normpath(os.path.join(cwd, path))  # posixpath.abspath
    return found


def observations_hold(observations: Sequence[Any], known: dict[tuple[str, str], str]) -> bool:
    """Whether every observation (as stored: [kind, path, token]) still holds. `known`
    keeps what was found during this run, so that a path shared by many outcomes is
    looked at once. Anything malformed does not hold (the cache is untrusted)."""
    for item in observations:
        if not (isinstance(item, list) and len(item) == 3):
            return False
        kind, path, token = item
        if kind not in _KINDS or not isinstance(path, str) or not isinstance(token, str):
            return False
        key = (kind, path)
        now = known.get(key)
        if now is None:
            now = known[key] = token_now(kind, path)
        if now != token:
            return False
    return True


_T = TypeVar("_T")
MEMO_BUDGET = 1_000_000  # what an ObservedMemo keeps, in the sizes its values are given


class ObservedMemo:
    """Values worked out from files (a parsed module), kept across the extractions of one
    process, each with the observations made while working it out.

    A value is handed out again only while each of its observations still holds (a stat
    each, against a parse), and its observations are then noted in the extraction that
    takes it, as working it out again would note them: an outcome built on a memoized
    module is read again when that module changes, exactly as if it had read the module
    itself. A value whose observations are racy or unstable is not kept. Least recently
    used values leave first once their sizes pass `budget`."""

    def __init__(self, budget: int = MEMO_BUDGET) -> None:
        self._entries: OrderedDict[Hashable, tuple[Any, dict[tuple[str, str], str], int]] = OrderedDict()
        self._budget = budget
        self._size = 0

    def remembered(self, key: Hashable, work_out: Callable[[], _T], size: Callable[[_T], int]) -> _T:
        observer = _current()
        if observer is None:  # nothing watches: what it would observe could not be told later
            return work_out()
        entry = self._entries.get(key)
        if entry is not None:
            value, seen, _ = entry
            if _still_holds(seen):
                self._entries.move_to_end(key)
                observer.merge(seen)
                return value  # type: ignore[no-any-return]
            self._forget(key)
        recording: dict[tuple[str, str], str] = {}
        observer.recordings.append(recording)
        try:
            value = work_out()
        finally:
            observer.recordings.pop()
        if not any(token == UNSTABLE or token.endswith(_RACY_END) for token in recording.values()):
            cost = size(value)
            if cost <= self._budget:
                self._entries[key] = (value, recording, cost)
                self._size += cost
                while self._size > self._budget:
                    self._forget(next(iter(self._entries)))
        return value

    def _forget(self, key: Hashable) -> None:
        self._size -= self._entries.pop(key)[2]

    def __len__(self) -> int:
        return len(self._entries)


class RunMemo:
    """The memo of a run that caches nothing (`--no-cache`, in a worker process of its
    own): values kept and handed out without observing what they were worked out from,
    since nothing will ask later whether it still holds. Observing cost a stat's worth of
    Python at each of the 100k file system calls of a real tree's run, and its notes were
    sent to the supervisor only to be dropped there."""

    def __init__(self, budget: int = MEMO_BUDGET) -> None:
        self._entries: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._budget = budget
        self._size = 0

    def remembered(self, key: Hashable, work_out: Callable[[], _T], size: Callable[[_T], int]) -> _T:
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
            return entry[0]  # type: ignore[no-any-return]
        value = work_out()
        cost = size(value)
        if cost <= self._budget:
            self._entries[key] = (value, cost)
            self._size += cost
            while self._size > self._budget:
                self._size -= self._entries.popitem(last=False)[1][1]
        return value

    def __len__(self) -> int:
        return len(self._entries)


def _still_holds(seen: dict[tuple[str, str], str]) -> bool:
    """Whether every observation holds now, looked at without being observed (the hit
    notes them itself)."""
    observer = _current()
    _local.observer = None
    try:
        return all(
            kind != UNSTABLE and token_now(kind, path) == token for (kind, path), token in seen.items()
        )
    finally:
        _local.observer = observer


def racy(observations: Sequence[Observation]) -> bool:
    """Whether an observation is too recent to be trusted later, or never holds: the
    outcome made from it is then not cached."""
    return any(token == UNSTABLE or token.endswith(_RACY_END) for _, _, token in observations)


_RACY_END = f":{RACY}"


def token_now(kind: str, path: str) -> str:
    """What an observation of this kind sees at `path` now."""
    try:
        if kind == ENTRIES:
            with os.scandir(path) as listing:
                return _entries_token(list(listing))
        if kind == NAMES:
            return _names_token(os.listdir(path))
        info = os.stat(path, follow_symlinks=kind != LSTAT)
    except OSError as error:
        return _error_token(error)
    return _stat_token(info, path if kind == LSTAT else None)


def _error_token(error: OSError) -> str:
    return _MISSING if error.errno in _GONE else f"!{error.errno}"


# the link's target, read without being observed: the observed readlink makes its token
# here, and through it a link on a path that `realpath` resolves recursed without end
# (CORS001 "nested too deeply" for a file that required a module through a linked folder)
_READLINK = os.readlink


def _stat_token(info: os.stat_result, link: str | None = None) -> str:
    mode = info.st_mode
    if stat.S_ISDIR(mode):  # first: `realpath` lstats every folder on its way
        return "d"  # what a folder holds is seen by listing it, not by its stat
    if stat.S_ISREG(mode):
        return f"f{info.st_size}:{change_stamp(info)}"
    if stat.S_ISLNK(mode) and link is not None:
        try:
            return "l" + _READLINK(link)
        except OSError as error:
            return _error_token(error)
    return "o"


# the results cache's own folder: made by the first run in the folder it lists, it would
# make every outcome that listed that folder miss on the second run
_OWN_FOLDER = ".corslint_cache"


def _entries_token(entries: list[os.DirEntry[str]]) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for entry in sorted(entries, key=lambda entry: entry.name):
        if entry.name == _OWN_FOLDER:
            continue
        try:
            kind = "/" if entry.is_dir(follow_symlinks=False) else "@" if entry.is_symlink() else ""
        except OSError:
            kind = "!"
        digest.update(f"{entry.name}{kind}\0".encode("utf-8", "surrogateescape"))
    return "e" + digest.hexdigest()


def _names_token(names: list[Any]) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for name in sorted(names):
        if name in (_OWN_FOLDER, os.fsencode(_OWN_FOLDER)):
            continue
        digest.update(os.fsencode(name) + b"\0")
    return "n" + digest.hexdigest()


# -- the watch on os, io and builtins ---------------------------------------------------
_local = threading.local()
_lock = threading.Lock()
_watching = 0  # threads observing: the wrappers are installed while any is
_ORIGINAL: dict[str, Any] = {}


def _current() -> Observer | None:
    observer: Observer | None = getattr(_local, "observer", None)
    return observer


def _observed_stat(path: Any, *, dir_fd: int | None = None, follow_symlinks: bool = True) -> os.stat_result:
    original = _ORIGINAL["stat"]
    observer: Observer | None = getattr(_local, "observer", None)
    if observer is None:
        return original(path, dir_fd=dir_fd, follow_symlinks=follow_symlinks)  # type: ignore[no-any-return]
    kind = STAT if follow_symlinks else LSTAT
    where = path if dir_fd is None else None
    try:
        info = original(path, dir_fd=dir_fd, follow_symlinks=follow_symlinks)
    except OSError as error:
        observer.note(kind, where, _error_token(error))
        raise
    observer.note(kind, where, _stat_token(info, None if follow_symlinks or dir_fd is not None else path))
    return info  # type: ignore[no-any-return]


def _observed_lstat(path: Any, *, dir_fd: int | None = None) -> os.stat_result:
    return _observed_stat(path, dir_fd=dir_fd, follow_symlinks=False)


class _Listing:
    """A folder's entries, read in full when the folder was opened (the token is made from
    them), handed out as os.scandir hands them out."""

    def __init__(self, entries: list[os.DirEntry[Any]]) -> None:
        self._entries = iter(entries)

    def __iter__(self) -> _Listing:
        return self

    def __next__(self) -> os.DirEntry[Any]:
        return next(self._entries)

    def __enter__(self) -> _Listing:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._entries = iter(())


def _observed_scandir(path: Any = ".") -> Any:
    original = _ORIGINAL["scandir"]
    observer = _current()
    if observer is None:
        return original(path)
    try:
        with original(path) as listing:
            entries = list(listing)
    except OSError as error:
        observer.note(ENTRIES, path, _error_token(error))
        raise
    if entries and isinstance(entries[0].name, bytes):
        observer.note(UNSTABLE, None, UNSTABLE)  # bytes paths: never met in the extractors
    else:
        observer.note(ENTRIES, path, _entries_token(entries))
    return _Listing(entries)


def _observed_listdir(path: Any = ".") -> list[Any]:
    original = _ORIGINAL["listdir"]
    observer = _current()
    if observer is None:
        return original(path)  # type: ignore[no-any-return]
    try:
        names: list[Any] = original(path)
    except OSError as error:
        observer.note(NAMES, path, _error_token(error))
        raise
    observer.note(NAMES, path, _names_token(names))
    return names


def _observed_readlink(path: Any, *, dir_fd: int | None = None) -> Any:
    original = _ORIGINAL["readlink"]
    observer = _current()
    if observer is not None:
        observer.note(LSTAT, path if dir_fd is None else None, _lstat_token(path, dir_fd))
    return original(path, dir_fd=dir_fd)


def _lstat_token(path: Any, dir_fd: int | None) -> str:
    try:
        info = _ORIGINAL["stat"](path, dir_fd=dir_fd, follow_symlinks=False)
    except OSError as error:
        return _error_token(error)
    return _stat_token(info, path if dir_fd is None else None)


def _observed_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
    original = _ORIGINAL["open"]
    observer = _current()
    if observer is None:
        return original(file, mode, *args, **kwargs)
    if any(letter in mode for letter in "wax+"):  # extractors never write; a bug if they do
        observer.note(UNSTABLE, None, UNSTABLE)
        return original(file, mode, *args, **kwargs)
    try:
        handle = original(file, mode, *args, **kwargs)
    except OSError as error:
        observer.note(STAT, file, _error_token(error))
        raise
    observer.note(STAT, file, _stat_token(os.fstat(handle.fileno())))
    return handle


_WRAPPERS: dict[str, tuple[Any, str, Callable[..., Any]]] = {
    "stat": (os, "stat", _observed_stat),
    "lstat": (os, "lstat", _observed_lstat),
    "scandir": (os, "scandir", _observed_scandir),
    "listdir": (os, "listdir", _observed_listdir),
    "readlink": (os, "readlink", _observed_readlink),
    "open": (io, "open", _observed_open),
}


def _install() -> None:
    for name, (module, attribute, wrapper) in _WRAPPERS.items():
        _ORIGINAL[name] = getattr(module, attribute)
        setattr(module, attribute, wrapper)
    builtins.open = _observed_open


def _uninstall() -> None:
    for name, (module, attribute, _) in _WRAPPERS.items():
        setattr(module, attribute, _ORIGINAL[name])
    builtins.open = _ORIGINAL["open"]


@contextlib.contextmanager
def observing() -> Iterator[Observer]:
    """Observe what this thread looks at in the file system until the block ends."""
    global _watching
    observer = Observer()
    with _lock:
        if _watching == 0:
            _install()
        _watching += 1
    previous = _current()
    _local.observer = observer
    try:
        yield observer
    finally:
        _local.observer = previous
        with _lock:
            _watching -= 1
            if _watching == 0:
                _uninstall()
