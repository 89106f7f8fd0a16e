"""The prefilter: read a file's bytes and decide, without any parser, whether to parse.

Each extractor names the bytes without which a file cannot hold its configuration; most
files hold none of them, and are left after one pass over their bytes per covering
needle (see `covering_needles`). What passes is decoded and handed to the engine.
"""

from __future__ import annotations

import functools
import importlib
import os
import stat
from collections.abc import Callable, Sequence

from corslint.engine import (
    EMPTY_OUTCOME,
    FileOutcome,
    Prepared,
    RuleFilter,
    every_rule,
    extract_prepared,
    failure_at,
)
from corslint.extractors import EXTRACTORS, Extractor
from corslint.extractors.context import ProjectContext
from corslint.findings import Diagnostic, Location
from corslint.runner.asserted_headers import without_asserted_headers
from corslint.runner.discovery import Candidate
from corslint.runner.file_stats import GONE_ERRORS
from corslint.runner.ignore_files import change_stamp
from corslint.runner.library_builds import skip_reason
from corslint.runner.settings import DEFAULT_MAX_FILE_SIZE

MAX_FILE_BYTES = DEFAULT_MAX_FILE_SIZE
BINARY_SNIFF = 8192
SOURCE_SUFFIXES: tuple[str, ...] = tuple(sorted({s for e in EXTRACTORS for s in e.suffixes}))
SOURCE_NAMES: tuple[str, ...] = tuple(sorted({n for e in EXTRACTORS for n in e.filenames}))
_STREAM_BLOCK = 1 << 20
_FINER_OVERLAP = 8192  # bytes a streamed block keeps of the last, for a finer test's context


def read_file(
    candidate: Candidate,
    context: ProjectContext,
    extractors: Sequence[Extractor] = EXTRACTORS,
    max_bytes: int = MAX_FILE_BYTES,
    judged: RuleFilter = every_rule,
) -> FileOutcome:
    """Everything one file yields; bad input becomes a CORS001 diagnostic, never an exception."""
    screened = screen(candidate, extractors, max_bytes)
    if isinstance(screened, FileOutcome):
        return screened
    return extract_prepared(candidate.display, screened, context, judged)


def screen(
    candidate: Candidate, extractors: Sequence[Extractor] = EXTRACTORS, max_bytes: int = MAX_FILE_BYTES
) -> FileOutcome | Prepared:
    """The cheap part: read the bytes and decide, without any parser, whether to parse."""
    return screen_file(candidate.file, candidate.display, candidate.size >= 0, extractors, max_bytes)[2]


_READ_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)


def screen_file(
    file: str,
    display: str,
    listed: bool,
    extractors: Sequence[Extractor] = EXTRACTORS,
    max_bytes: int = MAX_FILE_BYTES,
) -> tuple[int, int, FileOutcome | Prepared]:
    """`screen`, with the size and change stamp of what was read, from the open file (size -1:
    not read). A file the walk only listed (`listed` false: it was never stat-ed) and that
    is gone or not a regular file is left out without a word, as a walk that stats would."""
    name = file.rpartition("/")[2]
    interested, needles, names_tested = _screening(name, _as_tuple(extractors))
    if names_tested:  # none may read a file of this name (a lockfile): opened, not read
        interested, needles = _by_name(name, interested, needles)
    elif not interested:
        return -1, 0, EMPTY_OUTCOME
    try:
        # open, then fstat: one path lookup instead of two. O_NONBLOCK: a FIFO put in a
        # file's place since the listing opens at once, and fstat then tells it apart
        descriptor = os.open(file, _READ_FLAGS)
    except OSError as error:
        if not listed and error.errno in GONE_ERRORS:
            return -1, 0, EMPTY_OUTCOME
        return -1, 0, failure_at(display, f"cannot read file: {error.strerror or error}")
    try:
        info = os.fstat(descriptor)
        size = info.st_size
        if not stat.S_ISREG(info.st_mode):
            return -1, 0, EMPTY_OUTCOME
        if size > max_bytes:
            return size, change_stamp(info), _oversized(file, display, interested, size, max_bytes)
        if not interested:
            return size, change_stamp(info), EMPTY_OUTCOME
        data = os.read(descriptor, size + 1)
        if len(data) > size:  # the file grew since it was stat-ed
            parts = [data]
            while chunk := os.read(descriptor, 1 << 20):
                parts.append(chunk)
            data = b"".join(parts)
    except OSError as error:
        return -1, 0, failure_at(display, f"cannot read file: {error.strerror or error}")
    finally:
        os.close(descriptor)
    stamp = size, change_stamp(info)
    searchable = data
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16: search the text, not its bytes
        searchable = data.decode("utf-16", errors="replace").encode("utf-8")
    # most files hold none of the covering needles: one pass each over the bytes lowered
    # (a pass that finds every spelling of `cors`), and no per-extractor work
    lowered = searchable.lower()
    for needle in needles:
        if needle in lowered:
            break
    else:
        return *stamp, EMPTY_OUTCOME
    # the finer test first: a data file that holds an origin nearly always holds it outside
    # a comment line, and its needles were searched for again for nothing (0.05 s at 100k files)
    wanted = tuple(e for e in interested if accepted(e, name, lowered) and e.wants(searchable))
    wanted = without_asserted_headers(name, lowered, wanted, searchable)
    if not wanted:
        return *stamp, EMPTY_OUTCOME
    library = skip_reason(name, lowered, frozenset(e.name for e in wanted))
    if library is not None:
        return *stamp, FileOutcome(skipped=library)
    text, problem = decode(data)
    if text is None:
        return *stamp, FileOutcome(diagnostics=(Diagnostic("CORS001", problem, Location.point(display, 1)),))
    return *stamp, (text, wanted)


_FINER_TESTS: dict[str, Callable[[str, bytes], bool]] = {}


def accepted(extractor: Extractor, name: str, lowered: bytes) -> bool:
    """The extractor's finer test (`Extractor.accepts_bytes`) of a file that holds one of
    its needles: a JSON file that mentions an origin is no reason to parse it."""
    if not extractor.accepts_bytes:
        return True
    test = _FINER_TESTS.get(extractor.accepts_bytes)
    if test is None:
        module, _, function = extractor.accepts_bytes.partition(":")
        test = _FINER_TESTS[extractor.accepts_bytes] = getattr(importlib.import_module(module), function)
    return test(name, lowered)


_NAME_TESTS: dict[str, Callable[[str], bool]] = {}


def _by_name(name: str, interested: tuple[Extractor, ...], needles: tuple[bytes, ...]) -> Interest:
    """`interested` less the extractors whose name test (`Extractor.accepts_name`) says they
    never read a file of this name, and their covering needles."""
    for extractor in interested:
        if extractor.accepts_name and not _name_test(extractor.accepts_name)(name):
            break
    else:  # every one may read it: the common case, and nothing to recompute
        return interested, needles
    kept = tuple(e for e in interested if not e.accepts_name or _name_test(e.accepts_name)(name))
    return kept, covering_needles(tuple(n.lower() for e in kept for n in e.needles))


def _name_test(reference: str) -> Callable[[str], bool]:
    test = _NAME_TESTS.get(reference)
    if test is None:
        module, _, function = reference.partition(":")
        test = _NAME_TESTS[reference] = getattr(importlib.import_module(module), function)
    return test


Interest = tuple[tuple[Extractor, ...], tuple[bytes, ...]]
# and whether one of the extractors tests file names (`Extractor.accepts_name`)
Screening = tuple[tuple[Extractor, ...], tuple[bytes, ...], bool]
_SCREENING: dict[str, Screening] = {}  # for the default extractors, by extension


def prepare_screening() -> None:
    """Work out the covering needles of every extension the extractors read, here: a
    process about to fork its workers then does it once for all of them (8-10 ms each)."""
    for key in (*(f"x{suffix}" for suffix in SOURCE_SUFFIXES), *SOURCE_NAMES):
        _screening(key, EXTRACTORS)


def _interest(name: str, extractors: tuple[Extractor, ...]) -> Interest:
    """The extractors that read files of this name, and lower-case covering needles for
    every needle any of them looks for."""
    interested, needles, _ = _screening(name, extractors)
    return interested, needles


def _screening(name: str, extractors: tuple[Extractor, ...]) -> Screening:
    key = name
    if name not in _EXACT_NAMES and not _MULTI_DOT:
        dot = name.rfind(".")
        key = "x" + name[dot:] if dot >= 0 else ""  # by extension: few keys
    default = extractors is EXTRACTORS
    found = _SCREENING.get(key) if default else None
    if found is None:
        interested = tuple(e for e in extractors if e.accepts(key))
        needles = covering_needles(tuple(n.lower() for e in interested for n in e.needles))
        found = (interested, needles, any(e.accepts_name for e in interested))
        if default:
            _SCREENING[key] = found
    return found


MIN_NEEDLE = 4  # shorter needles would pass too many files on to the exact check
# a part of needles that is no needle itself stands for them only if it covers this many:
# `server` for `apollo-server` and `startStandaloneServer` was in 16% of real JS files, each
# then searched for every exact needle (20 passes); `cors` for eight Python needles is rare
MIN_COVERED = 3
# parts measured rare in real code, which may stand for two needles: `sanic` for `from sanic`
# and `sanic_ext` (in 1 of 20,163 .py files of a 54-project tree: one pass less, 0.05 s)
RARE_PARTS = frozenset({b"sanic"})


@functools.lru_cache(maxsize=64)  # extensions read by the same extractors share needles
def covering_needles(needles: tuple[bytes, ...]) -> tuple[bytes, ...]:
    """Fewer byte strings such that each needle contains one of them.

    The prefilter's cost is one pass over a file per needle, and nearly every file
    matches none: lowered, `CORSMiddleware`, `CORS_`, `corsheaders`, `flask_cors` and
    `init_app` become `cors` and `init_app`, two passes over the lowered bytes instead of
    five (lowering costs less than one pass: 0.45 s against 0.55 s for the 250 MB of the
    100k-file benchmark). A file that holds one of these is then checked for the
    extractors' own needles, case and all."""
    remaining = list(dict.fromkeys(needles))
    holders = _holders(remaining)
    chosen: list[bytes] = []
    left = (1 << len(remaining)) - 1  # the needles not covered yet, by bit
    while remaining:
        # the parts of the needles left, in the order they first occur there (for the ties)
        covered = {
            part: (holders[part] & left).bit_count()
            for needle in remaining
            for length in range(min(MIN_NEEDLE, len(needle)), len(needle) + 1)
            for start in range(len(needle) - length + 1)
            if (part := needle[start : start + length])
        }
        best = max(
            (
                part
                for part, count in covered.items()
                if part in remaining or count >= MIN_COVERED or (count >= 2 and part in RARE_PARTS)
            ),
            # the most needles covered, then the longest (fewer false hits), then the first
            key=lambda part: (covered[part], len(part)),
        )
        chosen.append(best)
        left &= ~holders[best]
        remaining = [n for n in remaining if best not in n]
    return tuple(chosen)


def _holders(needles: list[bytes]) -> dict[bytes, int]:
    """Each part a covering needle may be (see `covering_needles`), with the needles that
    contain it as bits: worked out once, not searched for again in every round (60 ms a
    run, before the workers could start). A part of MIN_NEEDLE bytes or more is in a
    needle only as one of that needle's own parts; a shorter one (a short needle whole) is
    searched for."""
    holders: dict[bytes, int] = {}
    for bit, needle in enumerate(needles):
        for length in range(min(MIN_NEEDLE, len(needle)), len(needle) + 1):
            for start in range(len(needle) - length + 1):
                part = needle[start : start + length]
                if part and len(part) >= MIN_NEEDLE:
                    holders[part] = holders.get(part, 0) | 1 << bit
    for part in {n for n in needles if n and len(n) < MIN_NEEDLE}:
        holders[part] = sum(1 << bit for bit, needle in enumerate(needles) if part in needle)
    return holders


def _as_tuple(extractors: Sequence[Extractor]) -> tuple[Extractor, ...]:
    return extractors if isinstance(extractors, tuple) else tuple(extractors)


_EXACT_NAMES = frozenset(n for e in EXTRACTORS for n in e.filenames)
_MULTI_DOT = any(s.count(".") > 1 for e in EXTRACTORS for s in e.suffixes)


def _oversized(
    file: str, display: str, interested: Sequence[Extractor], size: int, max_bytes: int
) -> FileOutcome:
    """Too big to parse: a note when it cannot hold CORS configuration, CORS001 when it might."""
    limit = f"{size:,} bytes is over the {max_bytes:,}-byte limit (max-file-size)"
    if not interested:  # a name no extractor reads
        return FileOutcome(skipped=f"not analysed: {limit}; it holds no CORS configuration keyword")
    needles = [n for e in interested for n in e.needles]
    overlap = max(len(n) for n in needles) - 1
    if any(e.accepts_bytes for e in interested):  # the finer tests look around a needle
        overlap = max(overlap, _FINER_OVERLAP)
    name = file.rpartition("/")[2]
    found = False
    with open(file, "rb") as handle:
        head = handle.read(2)
        utf16 = head in (b"\xff\xfe", b"\xfe\xff")
        handle.seek(0)
        tail = b""
        while not found:
            block = handle.read(_STREAM_BLOCK)
            if not block:
                break
            if utf16:
                block = block.decode("utf-16-le" if head == b"\xff\xfe" else "utf-16-be", "replace").encode()
            window = tail + block
            found = any(
                any(needle in window for needle in e.needles) and accepted(e, name, window.lower())
                for e in interested
            )
            tail = window[-overlap:] if overlap else b""
    if found:
        return failure_at(display, f"file not analysed: {limit}, and it mentions CORS configuration")
    return FileOutcome(skipped=f"not analysed: {limit}; it holds no CORS configuration keyword")


def decode(data: bytes) -> tuple[str | None, str]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), ""
        except UnicodeDecodeError:
            return None, "not valid UTF-16 despite its byte-order mark"
    if b"\0" in data[:BINARY_SNIFF]:
        return None, "binary file (it contains NUL bytes); not read"
    try:
        return data.decode("utf-8-sig"), ""
    except UnicodeDecodeError as error:
        return None, f"not valid UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start}); not read"
