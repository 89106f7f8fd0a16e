"""How the results cache stores what it keeps: values as JSON (never pickle: a cache
folder can come with a cloned repository, and loading it must not run anything), and
each folder's record in a shard, checked as untrusted input when read back.
"""

from __future__ import annotations

import binascii
import contextlib
import dataclasses
import enum
import itertools
import json
import os
from array import array
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any, NamedTuple

from corslint.runner.discovery import Listing
from corslint.runner.ignore_files import GIT_EXCLUDE, IGNORE_FILES


class CacheFormatError(ValueError):
    """A cached value this version cannot rebuild (the entry is treated as missing)."""


# -- values to JSON and back ------------------------------------------------------------
def outcome_classes() -> dict[str, type]:
    """What cached outcomes are made of: the policy model, findings, FileOutcome."""
    from corslint import model
    from corslint.engine import FileOutcome

    return {"FileOutcome": FileOutcome, **_own_classes(model), **finding_classes()}


def finding_classes() -> dict[str, type]:
    """What remembered findings are made of: a run that reuses them never imports the model."""
    from corslint import findings

    return _own_classes(findings)


def _own_classes(module: ModuleType) -> dict[str, type]:
    found: dict[str, type] = {}
    for name in dir(module):
        value = getattr(module, name)
        own = isinstance(value, type) and getattr(value, "__module__", "") == module.__name__
        if own and (dataclasses.is_dataclass(value) or issubclass(value, enum.Enum)):
            found[name] = value
    return found


_FIELDS: dict[type, tuple[str, ...]] = {}  # positional: the code fingerprint pins field order


def encode(value: Any) -> Any:
    fields = _FIELDS.get(type(value))
    if fields is not None:  # a dataclass met before: most of what an outcome holds
        return {"c": type(value).__name__, "a": [encode(getattr(value, name)) for name in fields]}
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
        _FIELDS[type(value)] = tuple(f.name for f in dataclasses.fields(value))
        return encode(value)  # met before, now
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


# -- a folder's record ------------------------------------------------------------------
# A shard maps a display folder to [listing, names, stamps, extra]: the folder's
# discovery.Listing (or None); its cached files' names in walk order, joined by "/"
# (which no name holds); their sizes, then their change stamps, as 64-bit integers in
# base64; and [position, outcome, deps] for each file that yields something: outcome is an
# encoded FileOutcome, deps what its extraction observed, a list of [kind, path, token]
# (see observed_files). Files that yield nothing
# have no extra entry. A few long strings per folder instead of three numbers and a
# string per file: JSON decodes them several times faster, and an unchanged folder is
# two comparisons of strings, its stamps packed as they are stored.
_IGNORE_NAMES = frozenset({*IGNORE_FILES, GIT_EXCLUDE})
SAME = 0  # a listing's files, when they are the record's names


class Record(NamedTuple):
    listing: Any  # checked by checked_listing when recalled
    names: list[str]
    stamps: bytes  # the sizes, then the change stamps, packed (see pack_stamps)
    extra: dict[int, list[Any]]  # position -> [position, outcome, deps]

    def unpacked(self) -> tuple[list[int], list[int]]:
        """The sizes and the mtimes, as lists."""
        numbers = array("q")
        numbers.frombytes(self.stamps)
        count = len(self.names)
        return numbers[:count].tolist(), numbers[count:].tolist()


def pack_stamps(sizes: Sequence[int], mtimes: Sequence[int]) -> bytes:
    return array("q", sizes).tobytes() + array("q", mtimes).tobytes()


class Encoded(NamedTuple):
    """A cached outcome not decoded yet: a run whose findings are remembered never needs it."""

    text: str  # the encoded outcome as JSON text (see encoded_outcome)


def _plain_names(names: Any) -> bool:
    """A list of entry names, none of which can lead out of its folder (the cache is untrusted)."""
    if not isinstance(names, list):
        return False
    try:
        joined = "\0".join(names)
    except TypeError:
        return False
    return "/" not in joined and "" not in names and "." not in names and ".." not in names


def _names(joined: str) -> list[str] | None:
    """The names of a record, joined by "/", if they are plain (see _plain_names)."""
    names = joined.split("/") if joined else []
    if "" in names or "." in names or ".." in names or "\0" in joined:
        return None
    return names


def checked_record(raw: Any) -> Record | None:
    if not (isinstance(raw, list) and len(raw) == 4):
        return None
    listing, joined, stamps, extra = raw
    if not (isinstance(joined, str) and isinstance(stamps, str) and isinstance(extra, list)):
        return None
    names = _names(joined)
    if names is None:
        return None
    try:
        packed = binascii.a2b_base64(stamps)
    except (binascii.Error, ValueError):
        return None
    if len(packed) != 16 * len(names):
        return None
    entries = {}
    for entry in extra:
        if not (isinstance(entry, list) and len(entry) == 3 and type(entry[0]) is int):
            return None
        if not (0 <= entry[0] < len(names) and isinstance(entry[1], str) and isinstance(entry[2], list)):
            return None
        entries[entry[0]] = entry
    return Record(listing, names, packed, entries)


def checked_listing(raw: Any) -> Listing | None:
    if isinstance(raw, Listing):  # remembered in this run
        return raw
    if not (isinstance(raw, list) and len(raw) == 6):
        return None
    mtime, walked, rules, own, files, folders = raw
    if not (type(mtime) is int and isinstance(walked, str) and isinstance(rules, str)):
        return None
    if not (isinstance(own, list) and _plain_names(files) and _plain_names(folders)):
        return None
    for stamp in own:
        if not (isinstance(stamp, list) and len(stamp) == 3 and stamp[0] in _IGNORE_NAMES):
            return None
    return Listing(mtime, walked, rules, own, files, folders)


NOTHING = object()  # a cached outcome worth no entry: the file yielded nothing


def encoded_outcome(outcome: Any) -> str | None:
    """An outcome encoded as the cache stores it, where it yielded something and may be
    cached; else None. Workers encode their outcomes with it, in parallel.

    It is stored as JSON text inside the JSON of its shard: a string, which a shard's
    decoder scans in one go, where the nested objects of a few hundred outcomes took most
    of the time of decoding the shards of a 100k-file tree (23 of 25 ms), in runs that
    mostly never look at them."""
    row = cached_outcome(outcome)
    return None if row is NOTHING else row


def cached_outcome(outcome: Any, encoded: Any = None) -> Any:
    """What the cache keeps of an outcome: `NOTHING` for a file that yielded nothing, the
    encoded outcome otherwise, None when it must not be cached (so the file is read again).
    `encoded` is the outcome's `encoded_outcome`, when a worker made it."""
    if encoded is not None:
        return encoded
    if not outcome.cacheable:
        return None
    if not (outcome.policies or outcome.diagnostics or outcome.skipped or outcome.parsed):
        return NOTHING
    try:
        return json.dumps(encode(dataclasses.replace(outcome, text=None)), separators=(",", ":"))
    except CacheFormatError:
        return None


def stored_observations(observations: Sequence[Sequence[str]]) -> list[list[str]]:
    """What an extraction observed (see observed_files), as a record keeps it."""
    return [list(item) for item in observations]


# -- writing -----------------------------------------------------------------------------
_WRITES = itertools.count()  # numbers this process's temporary files


def write_atomically(path: Path, payload: bytes) -> None:
    """Write `path` so that a concurrent run reads the old file or the new one, never a
    mix; quietly not at all where the folder cannot be written."""
    # a name no other write uses: another process's, or another of this process's
    temporary = path.with_name(f".tmp-{os.getpid()}-{next(_WRITES)}-{path.name}")
    # O_EXCL, as tempfile.mkstemp opens (a planted link is never followed), without
    # importing tempfile (5 ms, with random and shutil) into the runs that write
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        try:
            handle = os.open(temporary, flags, 0o600)
        except FileExistsError:  # left by a killed run that had the same pid
            os.unlink(temporary)
            handle = os.open(temporary, flags, 0o600)
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
