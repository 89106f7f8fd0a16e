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
from pathlib import Path
from typing import Any

import corslint
from corslint import model
from corslint.config import Settings
from corslint.discovery import Candidate

FORMAT = 2
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
    from corslint import findings
    from corslint.lint import FileOutcome

    found: dict[str, type] = {"FileOutcome": FileOutcome}
    for module in (model, findings):
        for name in dir(module):
            value = getattr(module, name)
            own = isinstance(value, type) and getattr(value, "__module__", "") == module.__name__
            if own and (dataclasses.is_dataclass(value) or issubclass(value, enum.Enum)):
                found[name] = value
    return found


_FIELDS: dict[type, tuple[str, ...]] = {}  # positional: the code fingerprint pins field order


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
        fields = _FIELDS.get(type(value))
        if fields is None:
            fields = _FIELDS[type(value)] = tuple(f.name for f in dataclasses.fields(value))
        return {"c": type(value).__name__, "a": [encode(getattr(value, name)) for name in fields]}
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
    return kind(*[decode(item, classes) for item in data["a"]])


# -- the cache ----------------------------------------------------------------------------
# A shard maps a display path to [size, mtime_ns, outcome, deps]: outcome is an encoded
# FileOutcome or None (the file yields nothing), deps a list of [path, size, mtime_ns].
Row = list[Any]


def stamp_of(path: str) -> Stamp:
    try:
        stat = os.stat(path)
    except OSError:
        return (-1, 0)
    return (stat.st_size, stat.st_mtime_ns)


class Cache:
    """One run's view of the cache: shards are loaded when a path in them is looked up."""

    def __init__(self, directory: Path, key: str) -> None:
        self.directory = directory
        self.folder = directory / key
        self._shards: dict[int, dict[str, Row]] = {}
        self._dirty: set[int] = set()
        self._classes = _classes()
        self._shard_numbers: dict[str, int] = {}
        self.unchanged = False  # every file was cached, none is gone: the last run's answer holds
        self._racy_after = time.time_ns() - RACY_NS
        self._walked: set[str] | None = None
        self.digest = ""

    @classmethod
    def open(cls, directory: Path, settings_fingerprint: str) -> Cache:
        cwd = os.getcwd()
        key = hashlib.sha256(f"{code_fingerprint()}|{settings_fingerprint}|{cwd}".encode()).hexdigest()[:24]
        return cls(directory, key)

    def _shard_of(self, display: str) -> dict[str, Row]:
        folder = display.rpartition("/")[0]
        number = self._shard_numbers.get(folder)
        if number is None:
            number = self._shard_numbers[folder] = (
                zlib.crc32(folder.encode("utf-8", "surrogateescape")) % SHARDS
            )
        shard = self._shards.get(number)
        if shard is None:
            shard = self._shards[number] = self._read_shard(number)
        return shard

    def _number(self, display: str) -> int:
        self._shard_of(display)
        return self._shard_numbers[display.rpartition("/")[0]]

    def _read_shard(self, number: int) -> dict[str, Row]:
        try:
            with open(self.folder / f"{number:02x}.json", encoding="utf-8") as handle:
                raw = json.load(handle)
        except (OSError, ValueError):  # missing or damaged: start afresh
            return {}
        if not isinstance(raw, dict):
            return {}
        return {k: v for k, v in raw.items() if isinstance(v, list) and len(v) == 4}

    def lookup(self, candidates: Sequence[Candidate]) -> dict[int, Any]:
        """Cached outcomes by candidate index, for files (and their inputs) unchanged."""
        from corslint.lint import EMPTY_OUTCOME

        found: dict[int, Any] = {}
        changed_folders: set[str] = set()
        dependent: list[tuple[int, str, Row]] = []
        folder_shards: dict[str, dict[str, Row]] = {}
        for index, (_, display, size, mtime) in enumerate(candidates):
            folder = display.rpartition("/")[0]
            shard = folder_shards.get(folder)
            if shard is None:
                shard = folder_shards[folder] = self._shard_of(display)
            row = shard.get(display)
            if row is None or row[0] != size or row[1] != mtime:
                changed_folders.add(folder)
            elif row[2] is None:
                found[index] = EMPTY_OUTCOME
            else:
                dependent.append((index, display, row))
        displays = [candidate.display for candidate in candidates]
        walked = self._walked = set(displays)
        gone = False
        for shard in self._shards.values():  # removed files change their folder too
            for display in shard.keys() - walked:
                if not os.path.exists(display):
                    changed_folders.add(display.rpartition("/")[0])
                    gone = True
        for index, display, row in dependent:
            folder = display.rpartition("/")[0]
            if folder in changed_folders or folder.rpartition("/")[0] in changed_folders:
                continue
            try:
                if any(stamp_of(path) != (size, mtime) for path, size, mtime in row[3]):
                    continue
                found[index] = decode(row[2], self._classes)
            except (CacheFormatError, TypeError, ValueError, KeyError):
                continue
        self.unchanged = not gone and len(found) == len(candidates)
        # the stamps all matched, so the names (in walk order) say which run this is
        self.digest = hashlib.sha256("\n".join(displays).encode("utf-8", "surrogateescape")).hexdigest()
        return found

    def store(self, candidate: Candidate, outcome: Any, deps: Iterable[str] = ()) -> None:
        from corslint.lint import FileOutcome

        assert isinstance(outcome, FileOutcome)
        if not outcome.cacheable or candidate.size < 0:
            return
        if candidate.mtime_ns > self._racy_after:
            return  # written so recently that a same-size rewrite could keep this mtime
        encoded = None
        if outcome.policies or outcome.diagnostics or outcome.skipped or outcome.parsed:
            try:
                encoded = encode(dataclasses.replace(outcome, text=None))
            except CacheFormatError:
                return
        number = self._number(candidate.display)
        self._shards[number][candidate.display] = [
            candidate.size,
            candidate.mtime_ns,
            encoded,
            [[path, *stamp_of(path)] for path in deps] if deps else [],
        ]
        self._dirty.add(number)

    def forget_missing(self, candidates: Sequence[Candidate]) -> None:
        """Drop entries of files that no longer exist."""
        walked = self._walked if self._walked is not None else {c.display for c in candidates}
        for number, shard in self._shards.items():
            for display in shard.keys() - walked:
                if not os.path.exists(display):
                    del shard[display]
                    self._dirty.add(number)

    # -- the last run's findings, reused while nothing changed ------------------------
    def load_findings(self, extra: str) -> list[Any] | None:
        if not self.unchanged:
            return None
        try:
            with open(self.folder / "findings.json", encoding="utf-8") as handle:
                raw = json.load(handle)
            if raw.get("digest") != self.digest or raw.get("extra") != extra:
                return None
            findings = decode(raw["findings"], self._classes)
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return None
        return findings if isinstance(findings, list) else None

    def save_findings(self, extra: str, findings: list[Any]) -> None:
        try:
            data = {"digest": self.digest, "extra": extra, "findings": encode(findings)}
        except CacheFormatError:
            return
        self._write("findings.json", data)

    def save(self) -> None:
        for number in sorted(self._dirty):
            self._write(f"{number:02x}.json", self._shards[number])
        self._dirty.clear()

    def _write(self, name: str, data: Any) -> None:
        """Atomically: a concurrent run reads the old file or the new one, never a mix."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._mark(self.directory)
            handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=".json")
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                # dumps, not dump: only dumps uses the C encoder
                stream.write(json.dumps(data, separators=(",", ":")))
            os.replace(temporary, self.folder / name)
        except OSError:
            return  # a read-only checkout lints fine without a cache

    @staticmethod
    def _mark(directory: Path) -> None:
        ignore = directory / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# created by corslint\n*\n", "utf-8")
            (directory / "CACHEDIR.TAG").write_text(
                "Signature: 8a477f597d28d172789f06886806bc55\n# corslint cache; see https://bford.info/cachedir/\n",
                "utf-8",
            )
