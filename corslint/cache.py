"""The results cache: an unchanged file is stat-ed, not read.

Like ruff's, it lives in `.corslint_cache` and is keyed by corslint's own code and the
settings; an entry is keyed by path, size and modification time. What a file yields
(policies and diagnostics, before rules judge them) is cached, so changing which rules
run never needs a re-read. Stored as JSON, never pickle: a cache folder can come with
a cloned repository, and loading it must not run anything.

A file whose extraction read other files (an imported settings module, a star-imported
base) is re-read when any of them changed, or when any file in its own or its parent
folder was added, changed or removed (new siblings can change what an import resolves to).

Concurrent runs are safe: each shard is replaced atomically, a damaged or foreign shard
reads as empty, and the last writer wins.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
import os
import tempfile
import time
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import corslint
from corslint import model
from corslint.config import Settings
from corslint.discovery import Candidate

FORMAT = 1
SHARDS = 64
RACY_NS = 2_000_000_000  # file system timestamps can be this coarse (FAT: 2 s)
Stamp = tuple[int, int]  # (size, mtime_ns); size -1 for a file that did not exist


class CacheFormatError(ValueError):
    """A cached value this version cannot rebuild (the entry is treated as missing)."""


def code_fingerprint() -> str:
    """corslint's version and its own source files, so a development build never reads
    results an older build wrote."""
    digest = hashlib.sha256(f"{corslint.__version__}:{FORMAT}".encode())
    package = os.path.dirname(os.path.abspath(corslint.__file__))
    for directory, folders, files in os.walk(package):
        folders.sort()
        for name in sorted(files):
            if name.endswith(".py"):
                path = os.path.join(directory, name)
                stat = os.stat(path)
                digest.update(f"{os.path.relpath(path, package)}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return digest.hexdigest()


def default_directory(config_source: str) -> Path:
    """`$CORSLINT_CACHE_DIR`, else `.corslint_cache` beside the configuration file, else here."""
    override = os.environ.get("CORSLINT_CACHE_DIR")
    if override:
        return Path(override)
    base = Path(config_source).parent if config_source else Path(".")
    return base / ".corslint_cache"


def settings_fingerprint(settings: Settings) -> str:
    """Every setting, as ruff does: a different configuration never reads another's results."""
    return repr(dataclasses.replace(settings, problems=(), source=""))


# -- values to JSON and back ------------------------------------------------------------
def _classes() -> dict[str, type]:
    from corslint.lint import FileOutcome

    found: dict[str, type] = {"FileOutcome": FileOutcome}
    for name in dir(model):
        value = getattr(model, name)
        is_model = isinstance(value, type) and getattr(value, "__module__", "") == model.__name__
        if is_model and (dataclasses.is_dataclass(value) or issubclass(value, enum.Enum)):
            found[name] = value
    return found


def encode(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, tuple):
        return {"t": [encode(item) for item in value]}
    if isinstance(value, list):
        return {"l": [encode(item) for item in value]}
    if isinstance(value, Mapping):
        return {"m": [[encode(key), encode(item)] for key, item in value.items()]}
    if isinstance(value, enum.Enum):
        return {"e": type(value).__name__, "v": value.value}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            "c": type(value).__name__,
            "f": {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)},
        }
    raise CacheFormatError(f"cannot cache a {type(value).__name__}")


def decode(data: Any, classes: Mapping[str, type]) -> Any:
    if not isinstance(data, dict):
        if isinstance(data, list):
            raise CacheFormatError("bare list")
        return data
    if "t" in data:
        return tuple(decode(item, classes) for item in data["t"])
    if "l" in data:
        return [decode(item, classes) for item in data["l"]]
    if "m" in data:
        return {decode(key, classes): decode(item, classes) for key, item in data["m"]}
    kind = classes.get(data.get("e") or data.get("c") or "")
    if kind is None:
        raise CacheFormatError(f"unknown cached type {data.get('e') or data.get('c')!r}")
    if "e" in data:
        return kind(data["v"])
    return kind(**{name: decode(item, classes) for name, item in data["f"].items()})


# -- the cache ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Entry:
    stamp: Stamp
    outcome: Any | None  # encoded FileOutcome; None: the file yields nothing
    deps: tuple[tuple[str, Stamp], ...] = ()


def stamp_of(path: str) -> Stamp:
    try:
        stat = os.stat(path)
    except OSError:
        return (-1, 0)
    return (stat.st_size, stat.st_mtime_ns)


def _shard_of(display: str) -> int:
    return zlib.crc32(os.path.dirname(display).encode("utf-8", "surrogateescape")) % SHARDS


class Cache:
    """One run's view of the cache: shards are loaded when a path in them is looked up."""

    def __init__(self, directory: Path, key: str) -> None:
        self.directory = directory
        self.folder = directory / key
        self._shards: dict[int, dict[str, Entry]] = {}
        self._dirty: set[int] = set()
        self._classes = _classes()
        self.hits = 0

    @classmethod
    def open(cls, directory: Path, settings_fingerprint: str) -> Cache:
        cwd = os.getcwd()
        key = hashlib.sha256(f"{code_fingerprint()}|{settings_fingerprint}|{cwd}".encode()).hexdigest()[:24]
        return cls(directory, key)

    def _shard(self, number: int) -> dict[str, Entry]:
        shard = self._shards.get(number)
        if shard is None:
            shard = self._shards[number] = self._read_shard(number)
        return shard

    def _read_shard(self, number: int) -> dict[str, Entry]:
        try:
            with open(self.folder / f"{number:02x}.json", encoding="utf-8") as handle:
                raw = json.load(handle)
            entries: dict[str, Entry] = {}
            for display, (size, mtime, outcome, deps) in raw.items():
                entries[display] = Entry((size, mtime), outcome, tuple((path, (s, m)) for path, s, m in deps))
            return entries
        except (OSError, ValueError, TypeError):  # missing, damaged or foreign: start afresh
            return {}

    def lookup(self, candidates: Sequence[Candidate]) -> dict[int, Any]:
        """Cached outcomes by candidate index, for files (and their inputs) unchanged."""
        from corslint.lint import EMPTY_OUTCOME

        found: dict[int, Any] = {}
        changed_folders: set[str] = set()
        dependent: list[tuple[int, Candidate, Entry]] = []
        for index, candidate in enumerate(candidates):
            entry = self._shard(_shard_of(candidate.display)).get(candidate.display)
            if entry is None or entry.stamp != (candidate.size, candidate.mtime_ns):
                changed_folders.add(os.path.dirname(candidate.display))
            elif entry.outcome is None:
                found[index] = EMPTY_OUTCOME
            else:
                dependent.append((index, candidate, entry))
        walked = {candidate.display for candidate in candidates}
        for shard in self._shards.values():  # removed files change their folder too
            gone = (d for d in shard.keys() - walked if not os.path.exists(d))
            changed_folders.update(os.path.dirname(d) for d in gone)
        for index, candidate, entry in dependent:
            folder = os.path.dirname(candidate.display)
            if folder in changed_folders or os.path.dirname(folder) in changed_folders:
                continue
            if any(stamp_of(path) != stamp for path, stamp in entry.deps):
                continue
            try:
                found[index] = decode(entry.outcome, self._classes)
            except (CacheFormatError, TypeError, KeyError):
                continue
        self.hits = len(found)
        return found

    def store(self, candidate: Candidate, outcome: Any, deps: Iterable[str] = ()) -> None:
        from corslint.lint import FileOutcome

        assert isinstance(outcome, FileOutcome)
        if not outcome.cacheable or candidate.size < 0:
            return
        if candidate.mtime_ns > time.time_ns() - RACY_NS:
            return  # written so recently that a same-size rewrite could keep this mtime
        encoded = None
        if outcome.policies or outcome.diagnostics or outcome.skipped or outcome.parsed:
            try:
                encoded = encode(dataclasses.replace(outcome, text=None))
            except CacheFormatError:
                return
        number = _shard_of(candidate.display)
        self._shard(number)[candidate.display] = Entry(
            (candidate.size, candidate.mtime_ns), encoded, tuple((path, stamp_of(path)) for path in deps)
        )
        self._dirty.add(number)

    def forget_missing(self, candidates: Sequence[Candidate]) -> None:
        """Drop entries of files that no longer exist under the walked folders."""
        walked = {candidate.display for candidate in candidates}
        for number, shard in self._shards.items():
            for display in list(shard):
                if display not in walked and not os.path.exists(display):
                    del shard[display]
                    self._dirty.add(number)

    def save(self) -> None:
        if not self._dirty:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._mark(self.directory)
        except OSError:
            return  # a read-only checkout lints fine without a cache
        for number in sorted(self._dirty):
            raw = {
                display: [e.stamp[0], e.stamp[1], e.outcome, [[p, s[0], s[1]] for p, s in e.deps]]
                for display, e in self._shards[number].items()
            }
            try:
                handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".shard-", suffix=".tmp")
                with os.fdopen(handle, "w", encoding="utf-8") as stream:
                    json.dump(raw, stream, separators=(",", ":"))
                os.replace(temporary, self.folder / f"{number:02x}.json")
            except OSError:
                continue
        self._dirty.clear()

    @staticmethod
    def _mark(directory: Path) -> None:
        ignore = directory / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# created by corslint\n*\n", "utf-8")
            (directory / "CACHEDIR.TAG").write_text(
                "Signature: 8a477f597d28d172789f06886806bc55\n# corslint cache; see https://bford.info/cachedir/\n",
                "utf-8",
            )
