"""The results cache: an unchanged file is stat-ed, not read.

Like ruff's, it lives in `.corslint_cache` and is keyed by corslint's own code and the
settings (a different configuration, a different selection of rules included, reads
afresh); an entry is keyed by path, size and change stamp (mtime and ctime: see
`ignore_files.change_stamp`). What a file yields is cached: its policies and diagnostics,
and what the rules that judge one policy at a time said of them. Stored as JSON, never
pickle: a cache folder can come with a cloned repository, and loading it must not run
anything.

A file whose extraction looked at other paths (an imported settings module read, a
module looked for and not found, a folder listed: see `observed_files`) is re-read when
any of them looks different, or when any file in its own or its parent folder was
added, changed or removed.

Nothing in the cache is believed that the file system does not confirm: an entry answers
only while its file's stamp, which the kernel sets and no repository content can choose,
is the one recorded, and while each path its extraction observed looks the same; the last
run's findings are reused only while they were made from exactly the records that now
hold (their digest covers the records' stamps, outcomes and observations). So a run
killed between any two writes, two runs writing at once, or a `.corslint_cache` that
came with the repository, can cost a re-check, never a wrong answer. No path the cache
holds is ever written to.

Records are kept per folder (their stored form is in cache_format): the folder's last
listing (discovery.Listing, so an unchanged folder is not listed again), its files'
names and their sizes and mtimes, packed (an unchanged folder is checked with two string
comparisons), and the outcomes of the few files that yield something, decoded only when
the last run's findings cannot be reused.

Concurrent runs are safe: each shard is replaced atomically, a damaged or foreign shard
or record reads as empty, and the last writer wins.
"""

from __future__ import annotations

import binascii
import dataclasses
import hashlib
import json
import operator
import os
import stat
import zlib
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import corslint
from corslint.runner.cache_format import (
    NOTHING,
    SAME,
    CacheFormatError,
    Encoded,
    Record,
    cached_outcome,
    checked_listing,
    checked_record,
    decode,
    encode,
    finding_classes,
    outcome_classes,
    pack_stamps,
    stored_observations,
    write_atomically,
)
from corslint.runner.discovery import Candidate, Listing, Skipped
from corslint.runner.ignore_files import RACY
from corslint.runner.observed_files import Observation, observations_hold, racy
from corslint.runner.settings import Settings

FORMAT = 6
SHARDS = 64
_WALKED = "walked.json"  # the last run's count of files
MAX_CACHE_FILE = 256 << 20  # bytes: a larger cache file is not read (a cache can be planted)
# a planted link to a file elsewhere is not followed, nor a FIFO waited on
_READ_FLAGS = (
    os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
)


class Remembered(NamedTuple):
    """The last run's answer, for a run in which nothing changed."""

    findings: list[Any]
    skipped: list[Skipped]  # files the extractors declined (oversized), in walk order
    policies: int


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


# -- the cache ----------------------------------------------------------------------------
Row = tuple[int, int, Any, list[Any]]  # size, mtime_ns, encoded outcome or None, deps
_DISPLAY = operator.itemgetter(1)


class Cache:
    """One run's view of the cache: shards are loaded when a folder in them is looked up.

    It is also the walk's `FolderMemory`: each folder's record holds its last listing."""

    def __init__(self, directory: Path, key: str) -> None:
        self.directory = directory
        self.folder = directory / key
        self._shards: dict[int, dict[str, Any]] = {}
        self._records: dict[str, Record | None] = {}  # checked records, as loaded
        self._dirty: set[str] = set()  # folders whose record must be rebuilt and written
        self._rows: dict[str, dict[str, Row]] = {}  # editable rows of the folders changed
        # whole records of folders read afresh: names, sizes, mtimes, extra (see store_walked)
        self._fresh: dict[str, tuple[list[str], list[int], list[int], list[Any]]] = {}
        self._listings: dict[str, Listing] = {}  # new listings, by folder
        self._groups: list[tuple[str, list[str], list[Candidate]]] = []  # as the walk yields
        self._classes: dict[str, type] | None = None
        self.unchanged = False  # every file was cached, none is gone: the last run's answer holds
        self._gone: dict[str, set[str]] = {}  # folder -> names of files no longer there
        self._walk: list[tuple[str, list[str]]] = []  # each folder walked, with its files' names
        self._walked = 0  # files in this run's walk
        self._folder_ready = False  # the cache's folder exists and is marked
        self._own: bool | None = None  # the cache's folders are folders, not links (_own_folders)

    @classmethod
    def open(cls, directory: Path, settings_fingerprint: str) -> Cache:
        cwd = os.getcwd()
        key = hashlib.sha256(f"{code_fingerprint()}|{settings_fingerprint}|{cwd}".encode()).hexdigest()[:24]
        return cls(directory, key)

    def _own_folders(self) -> bool:
        """Whether the cache's folder and its key's folder are folders, not links (or do
        not exist yet). A `.corslint_cache` that came with the repository as a link to
        elsewhere would have the cache read and write there: such a cache is not used."""
        for path in (self.directory, self.folder):
            try:
                mode = os.lstat(path).st_mode
            except FileNotFoundError:
                continue
            except OSError:
                return False
            if not stat.S_ISDIR(mode):
                return False
        return True

    @property
    def classes(self) -> dict[str, type]:
        if self._classes is None:
            self._classes = outcome_classes()
        return self._classes

    @staticmethod
    def _number(folder: str) -> int:
        return zlib.crc32(folder.encode("utf-8", "surrogateescape")) % SHARDS

    def _shard_of(self, folder: str) -> dict[str, Any]:
        number = self._number(folder)
        shard = self._shards.get(number)
        if shard is None:
            shard = self._shards[number] = self._read_shard(number)
        return shard

    def _read_shard(self, number: int) -> dict[str, Any]:
        raw = self._read_json(f"{number:02x}.json")
        return raw if isinstance(raw, dict) else {}

    def _read_json(self, name: str) -> Any:
        """A cache file's JSON; None where it is missing, not a regular file (a link, a
        FIFO), oversized, damaged or nested deeper than the decoder goes: untrusted input
        reads as missing."""
        data = self._read_bytes(name, MAX_CACHE_FILE)
        if data is None:
            return None
        try:
            return json.loads(data)
        except (ValueError, RecursionError):
            return None

    def _read_bytes(self, name: str, limit: int) -> bytes | None:
        if not self._usable():
            return None
        try:
            handle = os.open(self.folder / name, _READ_FLAGS)
        except OSError:
            return None
        try:
            info = os.fstat(handle)
            if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
                return None
            data = os.read(handle, limit + 1)
        except OSError:
            return None
        finally:
            os.close(handle)
        return data if len(data) <= limit else None

    def _usable(self) -> bool:
        if self._own is None:
            self._own = self._own_folders()
        return self._own

    def _record(self, folder: str) -> Record | None:
        if folder in self._rows or folder in self._listings or folder in self._fresh:  # changed in this run
            return checked_record(self._build(folder))
        try:
            return self._records[folder]
        except KeyError:
            record = self._records[folder] = checked_record(self._shard_of(folder).get(folder))
            return record

    # -- FolderMemory -------------------------------------------------------------------
    def recall(self, display: str) -> Listing | None:
        record = self._record(display)
        if record is None:
            return None
        raw = record.listing
        if isinstance(raw, list) and len(raw) == 6 and raw[4] == SAME:
            raw = [*raw[:4], record.names, raw[5]]
        return checked_listing(raw)

    def remember(self, display: str, listing: Listing) -> None:
        self._listings[display] = listing
        self._dirty.add(display)

    def walked(self, display: str, names: list[str], candidates: list[Candidate]) -> None:
        self._groups.append((display, names, candidates))

    # -- files ----------------------------------------------------------------------------
    def _grouped(self, candidates: Sequence[Candidate]) -> list[tuple[str, list[str], Sequence[Candidate]]]:
        """The candidates by folder, as the walk reported them or else worked out here."""
        groups: list[tuple[str, list[str], Sequence[Candidate]]] = []
        start = 0
        for folder, names, group in self._groups:
            if start >= len(candidates) or candidates[start] is not group[0]:
                break
            groups.append((folder, names, group))
            start += len(group)
        self._groups = []
        if start == len(candidates):
            return groups
        groups = []
        displays = list(map(_DISPLAY, candidates))
        start = 0
        while start < len(candidates):
            folder = displays[start].rpartition("/")[0]
            end = start + 1
            while end < len(candidates) and displays[end].rpartition("/")[0] == folder:
                end += 1
            cut = len(folder) + 1 if folder else 0
            groups.append((folder, [d[cut:] for d in displays[start:end]], candidates[start:end]))
            start = end
        return groups

    def is_empty(self) -> bool:
        """Nothing was ever written under this key: every file will be read afresh."""
        return not (self._usable() and self.folder.is_dir())

    def lookup(self, candidates: Sequence[Candidate], sizes: array[int], mtimes: array[int]) -> list[Any]:
        """Each candidate's cached outcome, by index: EMPTY_OUTCOME for a file that yields
        nothing, an `Encoded` outcome (see `decode_outcome`) for the others, None where the
        file or one of its inputs changed, or was never cached. `sizes` and `mtimes` are
        the candidates' stamps, by index."""
        from corslint.engine import EMPTY_OUTCOME

        found: list[Any] = [None] * len(candidates)
        size_bytes, mtime_bytes = sizes.tobytes(), mtimes.tobytes()  # packed as records store them
        changed_folders: set[str] = set()
        dependent: list[tuple[int, str, Any, Any]] = []
        walked: dict[str, list[str]] = {}  # folder -> names walked there
        start = 0
        groups = self._grouped(candidates)
        for folder, names, group in groups:
            end = start + len(group)
            walked.setdefault(folder, []).extend(names)
            record = self._record(folder)
            if record is None:
                changed_folders.add(folder)
            elif (
                record.names == names
                and record.stamps == size_bytes[8 * start : 8 * end] + mtime_bytes[8 * start : 8 * end]
            ):
                found[start:end] = [EMPTY_OUTCOME] * (end - start)
                for offset, (_, outcome, deps) in record.extra.items():
                    found[start + offset] = None
                    dependent.append((start + offset, folder, outcome, deps))
            else:
                position = {name: at for at, name in enumerate(record.names)}
                old_sizes, old_mtimes = record.unpacked()
                for index, name in zip(range(start, end), names, strict=True):
                    at = position.get(name)
                    if at is None or old_sizes[at] != sizes[index] or old_mtimes[at] != mtimes[index]:
                        changed_folders.add(folder)
                        continue
                    entry = record.extra.get(at)
                    if entry is None:
                        found[index] = EMPTY_OUTCOME
                    else:
                        dependent.append((index, folder, entry[1], entry[2]))
            start = end
        gone = False
        for folder, record in list(self._records.items()):  # removed files change their folder too
            if record is None or not record.names or walked.get(folder) == record.names:
                continue
            present = set(walked.get(folder, ()))
            prefix = folder + "/" if folder else ""
            lost = {n for n in record.names if n not in present and not os.path.exists(prefix + n)}
            if lost:
                self._gone[folder] = lost
                changed_folders.add(folder)
                gone = True
        seen: dict[tuple[str, str], str] = {}  # what each observed path looks like now
        for index, folder, outcome, deps in dependent:
            if folder in changed_folders or folder.rpartition("/")[0] in changed_folders:
                continue
            if observations_hold(deps, seen):
                found[index] = Encoded(outcome)
        # by identity: `None in found` would call each outcome's dataclass __eq__ (2 ms at 24k files)
        self.unchanged = not gone and all(hit is not None for hit in found)
        self._note_names(len(candidates), groups)
        return found

    def _note_names(self, count: int, groups: Sequence[tuple[str, list[str], Sequence[Candidate]]]) -> None:
        self._walked = count
        self._walk = [(folder, names) for folder, names, _ in groups]

    def _records_digest(self) -> str:
        """What the last run's findings must have been made from to be reused: each folder
        walked, with the names walked there and its record's names, stamps, outcomes and
        observations, as the shards hold them now. Findings saved by a run that stopped
        before it wrote its records, or whose records another run replaced, never match."""
        digest = hashlib.sha256()
        for folder, names in self._walk:
            stored = self._shard_of(folder).get(folder)
            digest.update(f"{folder}\0{'/'.join(names)}\0".encode("utf-8", "surrogateescape"))
            if isinstance(stored, list) and len(stored) == 4:
                joined, stamps, extra = stored[1:]
                digest.update(f"{joined}\0{stamps}\0".encode("utf-8", "surrogateescape"))
                if extra:
                    digest.update(json.dumps(extra).encode("utf-8", "surrogateescape"))
            digest.update(b"\n")
        return digest.hexdigest()

    def decode_outcome(self, encoded: Encoded) -> Any:
        """The FileOutcome, or None when this version cannot rebuild it (read the file again)."""
        from corslint.engine import FileOutcome

        try:
            outcome = decode(json.loads(encoded.text), self.classes)
        except (CacheFormatError, TypeError, ValueError, KeyError, RecursionError):
            return None
        return outcome if isinstance(outcome, FileOutcome) else None

    def _rows_of(self, folder: str) -> dict[str, Row]:
        rows = self._rows.get(folder)
        if rows is None:
            record = self._record(folder)
            rows = self._rows[folder] = {}
            if record is not None:
                old_sizes, old_mtimes = record.unpacked()
                for at, name in enumerate(record.names):
                    entry = record.extra.get(at)
                    encoded, deps = (entry[1], entry[2]) if entry is not None else (None, [])
                    rows[name] = (old_sizes[at], old_mtimes[at], encoded, deps)
        self._dirty.add(folder)
        return rows

    def store_walked(
        self,
        candidates: Sequence[Candidate],
        sizes: Sequence[int],
        mtimes: Sequence[int],
        fresh: Mapping[int, tuple[int, Any, tuple[Observation, ...]]],
        encoded: Mapping[int, Any] | None = None,
    ) -> None:
        """Remember a tree read afresh, whose walk left the stats to the workers: `sizes`
        and `mtimes` are theirs, by candidate index (size -1: not read), and `fresh` holds
        the outcomes of the few files that yielded something (`encoded`: some of them as
        the workers encoded them). Most folders become a record with a few list slices,
        not a row per file."""
        encoded = encoded or {}
        groups = self._grouped(candidates)
        self._note_names(len(candidates), groups)
        seen_twice = {f for f, n in Counter(folder for folder, _, _ in groups).items() if n > 1}
        hits = sorted(fresh)
        at = 0
        start = 0
        for folder, names, group in groups:
            end = start + len(group)
            inside: list[int] = []
            while at < len(hits) and hits[at] < end:
                inside.append(hits[at])
                at += 1
            folder_sizes = list(sizes[start:end])
            folder_mtimes = list(mtimes[start:end])
            extra: list[Any] | None = None
            if folder not in seen_twice and min(folder_sizes) >= 0 and RACY not in folder_mtimes:
                extra = []
                for index in inside:
                    row = cached_outcome(fresh[index][1], encoded.get(index))
                    if row is None or racy(fresh[index][2]):  # not cached: the slow path
                        extra = None
                        break
                    if row is not NOTHING:
                        extra.append([index - start, row, stored_observations(fresh[index][2])])
            if extra is not None:
                self._fresh[folder] = (names, folder_sizes, folder_mtimes, extra)
                self._dirty.add(folder)
            else:
                self.store_all(
                    (
                        (i, Candidate(c.file, c.display, sizes[i], mtimes[i]))
                        for i, c in enumerate(group, start)
                    ),
                    fresh,
                    encoded,
                )
            start = end

    def store_all(
        self,
        files: Iterable[tuple[int, Candidate]],
        fresh: Mapping[int, tuple[int, Any, tuple[Observation, ...]]],
        encoded: Mapping[int, Any] | None = None,
    ) -> None:
        """Remember what files yielded, a row each: `files` are (index, candidate), `fresh`
        the results, by index, of those that yielded something (`encoded`: some of those
        outcomes as the workers encoded them); a file absent from `fresh` yielded nothing."""
        encoded = encoded or {}
        last_folder: str | None = None
        rows: dict[str, Row] = {}
        for index, candidate in files:
            if candidate.size < 0 or candidate.mtime_ns == RACY:
                continue  # unreadable, or written so recently that a same-size rewrite could keep its stamp
            result = fresh.get(index)
            row: Any = NOTHING
            deps: Sequence[Any] = ()
            if result is not None:
                row, deps = cached_outcome(result[1], encoded.get(index)), result[2]
                if row is None or racy(deps):
                    continue
            folder, _, name = candidate.display.rpartition("/")
            if folder != last_folder:
                rows, last_folder = self._rows_of(folder), folder
            rows[name] = (
                candidate.size,
                candidate.mtime_ns,
                None if row is NOTHING else row,
                stored_observations(deps),
            )

    def forget_missing(self, candidates: Sequence[Candidate]) -> None:
        """Drop entries of files that no longer exist (as `lookup` found them)."""
        for folder, names in self._gone.items():
            rows = self._rows_of(folder)
            for name in names:
                rows.pop(name, None)

    # -- the last run's findings, reused while nothing changed ------------------------
    def load_findings(self, extra: str) -> Remembered | None:
        if not self.unchanged:
            return None
        raw = self._read_json("findings.json")
        try:
            if raw.get("digest") != self._records_digest() or raw.get("extra") != extra:
                return None
            findings = decode(raw["findings"], finding_classes())
            skipped = [Skipped(path, reason) for path, reason in raw["skipped"]]
            policies = raw["policies"]
        except (ValueError, TypeError, KeyError, AttributeError, CacheFormatError, RecursionError):
            return None
        if not (isinstance(findings, list) and type(policies) is int):
            return None
        if not all(isinstance(s.path, str) and isinstance(s.reason, str) for s in skipped):
            return None
        return Remembered(findings, skipped, policies)

    def save_findings(
        self, extra: str, findings: list[Any], skipped: Sequence[Skipped], policies: int
    ) -> None:
        try:
            data = {
                "digest": self._records_digest(),
                "extra": extra,
                "findings": encode(findings),
                "skipped": [[s.path, s.reason] for s in skipped],
                "policies": policies,
            }
        except CacheFormatError:
            return
        self._write("findings.json", data)
        if self._walked != self.files_walked_before():
            self._write(_WALKED, self._walked)

    def files_walked_before(self) -> int:
        """How many files the last run walked (0: not known); cheap to ask before a walk."""
        try:
            count = int(self._read_bytes(_WALKED, 32) or b"0")
        except ValueError:
            return 0
        return max(count, 0)

    def _build(self, folder: str) -> list[Any]:
        """A folder's record as this run leaves it."""
        stored = self._shard_of(folder).get(folder)
        record = stored if isinstance(stored, list) and len(stored) == 4 else [None, "", "", []]
        listing: Any = self._listings.get(folder, record[0])
        fresh = self._fresh.get(folder)
        rows = self._rows.get(folder)
        if fresh is not None:
            names, sizes, mtimes, extra = fresh
        elif rows is not None:
            names = sorted(rows)  # the walk's order within a folder
            ordered = [rows[name] for name in names]
            sizes, mtimes = [row[0] for row in ordered], [row[1] for row in ordered]
            extra = [[at, row[2], row[3]] for at, row in enumerate(ordered) if row[2] is not None]
        else:
            return [listing, *record[1:]]
        if isinstance(listing, Listing) and listing.files == names:
            listing = [*listing[:4], SAME, listing.folders]  # the names, stored once
        stamps = binascii.b2a_base64(pack_stamps(sizes, mtimes), newline=False).decode("ascii")
        return [listing, "/".join(names), stamps, extra]

    def save(self) -> None:
        numbers: set[int] = set()
        for folder in self._dirty:
            record = self._build(folder)
            shard = self._shard_of(folder)
            numbers.add(self._number(folder))
            if record[1] or record[0] is not None:
                shard[folder] = record
            else:
                shard.pop(folder, None)
        for number in sorted(numbers):
            self._write(f"{number:02x}.json", self._shards[number])
        self._dirty.clear()
        self._rows.clear()
        self._fresh.clear()
        self._listings.clear()

    def _write(self, name: str, data: Any) -> None:
        try:
            if not self._folder_ready:
                if not self._usable():
                    return
                self.folder.mkdir(parents=True, exist_ok=True)
                self._own = None
                if not self._usable():  # made a link since it was checked: write nothing
                    return
                self._mark(self.directory)
                self._folder_ready = True
        except OSError:  # a read-only checkout lints fine without a cache
            return
        # dumps, not dump: only dumps uses the C encoder
        write_atomically(self.folder / name, json.dumps(data, separators=(",", ":")).encode("utf-8"))

    @staticmethod
    def _mark(directory: Path) -> None:
        """Files that keep the cache out of commits and backups; written as the cache's
        own files are, so that a link planted in their place is replaced, not followed."""
        if not os.path.lexists(directory / ".gitignore"):
            write_atomically(directory / ".gitignore", b"# created by corslint\n*\n")
            write_atomically(
                directory / "CACHEDIR.TAG",
                b"Signature: 8a477f597d28d172789f06886806bc55\n# corslint cache; see https://bford.info/cachedir/\n",
            )
