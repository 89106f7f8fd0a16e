"""The pipeline: files -> policies -> findings. Reports are rendered elsewhere."""

from __future__ import annotations

import functools
import gc
import os
import re
import stat
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corslint.config import DEFAULT_MAX_FILE_SIZE, Settings
from corslint.discovery import Candidate, Skipped, walk_folders
from corslint.extractors import EXTRACTORS, Extractor, ProjectContext
from corslint.findings import Diagnostic, Finding, Level, Location
from corslint.stamps import GONE, GONE_ERRORS, Stamper

if TYPE_CHECKING:
    from corslint.cache import Cache, Remembered
    from corslint.model import CorsPolicy
    from corslint.replay import RunInputs
    from corslint.rules.base import Rule

MAX_FILE_BYTES = DEFAULT_MAX_FILE_SIZE
BINARY_SNIFF = 8192
SOURCE_SUFFIXES: tuple[str, ...] = tuple(sorted({s for e in EXTRACTORS for s in e.suffixes}))
SOURCE_NAMES: tuple[str, ...] = tuple(sorted({n for e in EXTRACTORS for n in e.filenames}))
_SUPPRESSION = re.compile(r"corslint:\s*ignore(?:\[([A-Za-z0-9_,\s]*)\])?")


@dataclass
class RunStats:
    """What a run did, for the report's summary."""

    files_seen: int = 0
    files_parsed: int = 0
    policies: int = 0
    files_cached: int = 0  # answered from the cache without reading


@dataclass(frozen=True)
class FileOutcome:
    """Everything one file yields: policies, diagnostics, and what the rules said of them."""

    policies: tuple[CorsPolicy, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    text: str | None = None
    parsed: bool = False
    skipped: str | None = None  # why the file was not analysed, when that is not a problem
    cacheable: bool = True  # False when the answer may change without the file changing
    # what every rule that judges one policy at a time says of `policies`, before the
    # settings and suppression comments filter it: judged where the file was read
    findings: tuple[Finding, ...] = ()


EMPTY_OUTCOME = FileOutcome()
POOL_THRESHOLD = 2000  # files to read before worker processes pay for their start-up
STREAM_BATCH = 256  # files per batch handed to a worker while the walk goes on
PARSE_TIMEOUT = 30.0  # seconds one file may take in an isolated parser
_STREAM_BLOCK = 1 << 20


class RunResult:
    """A run's answer. `policies` may be given as a function: a run that reuses the last
    run's findings builds them only if asked."""

    def __init__(
        self,
        findings: list[Finding],
        policies: list[CorsPolicy] | Callable[[], list[CorsPolicy]],
        skipped: list[Skipped],
        stats: RunStats | None = None,
        retained: object = None,
    ) -> None:
        self.findings = findings
        self._policies = policies
        self.skipped = skipped
        self.stats = stats if stats is not None else RunStats()
        # the run's candidates and outcomes: held as long as the result, so that a
        # command that exits once the report is out never frees them one by one
        self._retained = retained

    @property
    def policies(self) -> list[CorsPolicy]:
        if callable(self._policies):
            self._policies = self._policies()
        return self._policies

    @policies.setter
    def policies(self, value: list[CorsPolicy]) -> None:
        self._policies = value


Prepared = tuple[str, tuple[Extractor, ...]]  # decoded text, the extractors that want it


def every_rule(rule_id: str) -> bool:
    """The rule filter of a run that judges with every rule."""
    return True


RuleFilter = Callable[[str], bool]  # whether the run judges with a rule (by id): --select, --ignore


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
    return extract_prepared(candidate, screened, context, judged)


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
    """`screen`, with the size and mtime of what was read, from the open file (size -1:
    not read). A file the walk only listed (`listed` false: it was never stat-ed) and that
    is gone or not a regular file is left out without a word, as a walk that stats would."""
    interested, needles = _interest(file.rpartition("/")[2], _as_tuple(extractors))
    if not interested:
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
            return size, info.st_mtime_ns, _oversized(file, display, interested, size, max_bytes)
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
    stamp = size, info.st_mtime_ns
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
    wanted = tuple(e for e in interested if e.wants(searchable))
    if not wanted:
        return *stamp, EMPTY_OUTCOME
    text, problem = decode(data)
    if text is None:
        return *stamp, FileOutcome(diagnostics=(Diagnostic("CORS001", problem, Location.point(display, 1)),))
    return *stamp, (text, wanted)


Interest = tuple[tuple[Extractor, ...], tuple[bytes, ...]]
_INTEREST: dict[str, Interest] = {}  # for the default extractors, by extension


def _interest(name: str, extractors: tuple[Extractor, ...]) -> Interest:
    """The extractors that read files of this name, and lower-case covering needles for
    every needle any of them looks for."""
    key = name
    if name not in _EXACT_NAMES and not _MULTI_DOT:
        dot = name.rfind(".")
        key = "x" + name[dot:] if dot >= 0 else ""  # by extension: few keys
    default = extractors is EXTRACTORS
    found = _INTEREST.get(key) if default else None
    if found is None:
        interested = tuple(e for e in extractors if e.accepts(key))
        needles = covering_needles(tuple(n.lower() for e in interested for n in e.needles))
        found = (interested, needles)
        if default:
            _INTEREST[key] = found
    return found


MIN_NEEDLE = 4  # shorter needles would pass too many files on to the exact check


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
    chosen: list[bytes] = []
    while remaining:
        best = max(
            (
                needle[start : start + length]
                for needle in remaining
                for length in range(min(MIN_NEEDLE, len(needle)), len(needle) + 1)
                for start in range(len(needle) - length + 1)
            ),
            # the most needles covered, then the longest (fewer false hits), then the first
            key=lambda part: (sum(part in n for n in remaining), len(part)),
        )
        chosen.append(best)
        remaining = [n for n in remaining if best not in n]
    return tuple(chosen)


def _as_tuple(extractors: Sequence[Extractor]) -> tuple[Extractor, ...]:
    return extractors if isinstance(extractors, tuple) else tuple(extractors)


_EXACT_NAMES = frozenset(n for e in EXTRACTORS for n in e.filenames)
_MULTI_DOT = any(s.count(".") > 1 for e in EXTRACTORS for s in e.suffixes)


def extract_prepared(
    candidate: Candidate, prepared: Prepared, context: ProjectContext, judged: RuleFilter = every_rule
) -> FileOutcome:
    """The expensive part: run each interested extractor over the decoded text, and the
    rules that judge one policy at a time and that the run selects (`judged`) over them."""
    from corslint.model import SourceError  # the policy model: only for runs that parse

    text, wanted = prepared
    where = Location.point(candidate.display, 1)
    policies: list[CorsPolicy] = []
    diagnostics: list[Diagnostic] = []
    skipped: str | None = None
    for extractor in wanted:
        try:
            extraction = extractor.load()(candidate.display, text, context)
        except SourceError as error:
            diagnostic = Diagnostic(
                "CORS001", error.message, Location.point(candidate.display, error.line, error.column)
            )
            if diagnostic not in diagnostics:
                diagnostics.append(diagnostic)
            continue
        except RecursionError:
            diagnostics.append(Diagnostic("CORS001", "nested too deeply to analyse", where))
            continue
        except Exception as error:  # an extractor bug must not end the run, nor hide the file
            diagnostics.append(
                Diagnostic(
                    "CORS001",
                    f"internal error in the {extractor.name} extractor: {type(error).__name__}: {error}",
                    where,
                )
            )
            continue
        policies.extend(extraction.policies)
        diagnostics.extend(d for d in extraction.diagnostics if d not in diagnostics)
        skipped = skipped or extraction.skipped
    findings: tuple[Finding, ...] = ()
    try:
        if policies:
            findings = tuple(judge(policies, _single_policy_rules(judged)))
    except Exception as error:  # a rule bug must not end the run either
        diagnostics.append(
            Diagnostic("CORS001", f"internal error while judging: {type(error).__name__}: {error}", where)
        )
    return FileOutcome(
        tuple(policies), tuple(diagnostics), text, parsed=True, skipped=skipped, findings=findings
    )


def _import_rules() -> None:
    import corslint.rules  # noqa: F401


def _single_policy_rules(judged: RuleFilter) -> list[Rule]:
    """The rules that judge one policy at a time, of those the run selects."""
    from corslint.rules import RULES

    return [rule for rule in RULES if not rule.across_policies and judged(rule.id)]


def failure(candidate: Candidate, reason: str) -> FileOutcome:
    """A file that could not be analysed at all: CORS001, and never cached."""
    return failure_at(candidate.display, reason)


def failure_at(display: str, reason: str) -> FileOutcome:
    diagnostic = Diagnostic("CORS001", reason, Location.point(display, 1))
    return FileOutcome(diagnostics=(diagnostic,), cacheable=False)


def _oversized(
    file: str, display: str, interested: Sequence[Extractor], size: int, max_bytes: int
) -> FileOutcome:
    """Too big to parse: a note when it cannot hold CORS configuration, CORS001 when it might."""
    limit = f"{size:,} bytes is over the {max_bytes:,}-byte limit (max-file-size)"
    needles = [n for e in interested for n in e.needles]
    overlap = max(len(n) for n in needles) - 1
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
            found = any(needle in window for needle in needles)
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


def lint(
    paths: Sequence[Path],
    settings: Settings,
    *,
    cache_dir: Path | None = None,
    isolate: bool = False,
    jobs: int | None = None,
    timeout: float = PARSE_TIMEOUT,
    inputs: RunInputs | None = None,
) -> RunResult:
    """Lint `paths`. `cache_dir` enables the results cache; `isolate` parses in worker
    processes even for a small run (so a crashing or hanging parser cannot take the run
    down); `jobs` fixes the number of worker processes (default: every core, for large trees).
    `inputs` collects what a run answered by the cache in full read, for `corslint.replay`;
    any other run marks it not replayable."""
    collecting = gc.isenabled()
    gc.disable()  # a run builds many objects and no cyclic garbage worth a collection
    try:
        return _report_missing(_lint(paths, settings, cache_dir, isolate, jobs, timeout, inputs), settings)
    finally:
        if collecting:
            gc.enable()


def _as_finding(diagnostic: Diagnostic) -> Finding:
    """A diagnostic (CORS001, CORS002), at its rule's level."""
    from corslint.rules import rule_by_id

    rule = rule_by_id(diagnostic.rule_id)
    return Finding(
        diagnostic.rule_id, rule.level, diagnostic.message, diagnostic.location, rule_name=rule.name
    )


def _report_missing(result: RunResult, settings: Settings) -> RunResult:
    """A path named on the command line that does not exist is CORS001, not a note: a
    misspelt path in a CI job must not keep the job green (ruff and flake8 fail it too).
    Added here, after the cache has stored the run's findings, since it comes from the
    command line, not from any file."""
    missing = [s for s in result.skipped if s.missing]
    if not missing:
        return result
    result.skipped = [s for s in result.skipped if not s.missing]
    if not settings.rule_enabled("CORS001"):
        return result
    reported = [
        _as_finding(
            Diagnostic(
                "CORS001", f"{s.reason}: nothing under this path was checked", Location.point(s.path, 1)
            )
        )
        for s in missing
        if not settings.ignored_in_file("CORS001", s.path)
    ]
    result.findings = sorted(set(result.findings + reported), key=lambda f: f.sort_key)
    return result


def _lint(
    paths: Sequence[Path],
    settings: Settings,
    cache_dir: Path | None,
    isolate: bool,
    jobs: int | None,
    timeout: float,
    inputs: RunInputs | None = None,
) -> RunResult:
    skipped: list[Skipped] = []
    stats = RunStats()
    cache = None
    if cache_dir is not None:
        from corslint.cache import Cache, settings_fingerprint

        cache = Cache.open(cache_dir, settings_fingerprint(settings))
    workers = jobs if jobs is not None else os.cpu_count() or 1
    # read afresh with several workers: files are stat-ed by the workers, not here
    afresh = workers > 1 and (cache is None or cache.is_empty())
    # a cached run stats every file: for a tree that was large last time, a helper forked
    # before the walk fills the heap takes a share (files named one by one, as pre-commit
    # names them, are too few for it whatever the last run walked)
    large = cache is not None and not afresh and cache.files_walked_before() >= POOL_THRESHOLD
    stamper = Stamper(helper=large and workers > 1 and any(os.path.isdir(p) for p in paths))
    walker = walk_folders(
        paths,
        settings.exclude,
        SOURCE_SUFFIXES + SOURCE_NAMES,
        skipped,
        respect_gitignore=settings.respect_gitignore,
        memory=cache,
        inputs=inputs,
        force_exclude=settings.force_exclude,
    )
    memo_key = repr(settings.problems)
    head: list[list[Candidate]] = []  # the first folders, enough to tell a large tree
    walked = 0
    while afresh and walked < POOL_THRESHOLD and (group := next(walker, None)) is not None:
        head.append(group)
        walked += len(group)
    candidates: list[Candidate]
    remembered: Remembered | None = None
    streamed = afresh and walked >= POOL_THRESHOLD
    if streamed:
        from corslint.workers import WorkersUnavailable

        # a large tree read afresh: the workers read files while the walk goes on
        candidates = []
        try:
            outcomes = _read_streaming(
                chain(head, walker), candidates, settings, cache, workers, timeout, stats
            )
        except WorkersUnavailable:  # read in this process, as for a small tree
            streamed = False
            head, walker = [candidates], iter(())
            jobs, isolate = 1, False
    if not streamed:
        try:
            candidates = stamper.collect(chain(head, walker))
            sizes, mtimes = stamper.stamps(candidates)
        finally:
            stamper.close()  # a helper left waiting by an exception (^C during the walk)
        if GONE in sizes:  # gone since the listing, or no longer a regular file
            present = [i for i, size in enumerate(sizes) if size != GONE]
            candidates = [candidates[i] for i in present]
            sizes = array("q", [sizes[i] for i in present])
            mtimes = array("q", [mtimes[i] for i in present])
        outcomes, remembered = _read_all(
            candidates, sizes, mtimes, settings, cache, isolate, jobs, timeout, stats, memo_key
        )
    stats.files_seen = len(candidates)
    if inputs is not None:
        if remembered is None:
            inputs.volatile()  # files were read, not answered by the cache
        else:
            assert cache is not None
            inputs.files([c.file for c in candidates], sizes, mtimes)
            for path, size, mtime in cache.dependencies:
                inputs.file(path, size, mtime)
    if remembered is not None:
        assert cache is not None
        stats.policies = remembered.policies
        skipped.extend(remembered.skipped)
        return RunResult(remembered.findings, _decoder(candidates, outcomes, cache, settings), skipped, stats)

    policies: list[CorsPolicy] = []
    diagnostics: list[Diagnostic] = list(settings.problems)
    texts: dict[str, str] = {}
    walked_skipped = len(skipped)
    findings: list[Finding] = []
    for candidate, outcome in zip(candidates, outcomes, strict=True):
        if outcome is EMPTY_OUTCOME:
            continue
        policies.extend(outcome.policies)
        diagnostics.extend(outcome.diagnostics)
        findings.extend(outcome.findings)
        if outcome.skipped is not None:
            skipped.append(Skipped(candidate.display, outcome.skipped))
        if outcome.text is not None:
            texts[candidate.display] = outcome.text
    stats.policies = len(policies)

    if not policies and not diagnostics:  # nothing to judge: the rules need not be imported
        if cache is not None:
            cache.save_findings(memo_key, findings, skipped[walked_skipped:], 0)
        return RunResult(findings, policies, skipped, stats, (candidates, outcomes))

    from corslint.rules import RULES

    findings.extend(_as_finding(diagnostic) for diagnostic in diagnostics)
    across = [r for r in RULES if r.across_policies and settings.rule_enabled(r.id)]
    findings.extend(judge(policies, across))
    kept = [
        f
        for f in findings
        if settings.rule_enabled(f.rule_id)
        and not settings.ignored_in_file(f.rule_id, f.location.path)
        and not suppressed(f, texts)
    ]
    kept = sorted(set(kept), key=lambda f: f.sort_key)
    if cache is not None:
        cache.save_findings(memo_key, kept, skipped[walked_skipped:], len(policies))
    return RunResult(kept, policies, skipped, stats, (candidates, outcomes, texts))


def _answered(cached: Sequence[object]) -> int:
    """How many files the cache answered. By identity: `list.count(None)` would call each
    outcome's dataclass __eq__, 2 ms at 24k files."""
    return len(cached) - sum(1 for hit in cached if hit is None)


def _decoder(
    candidates: Sequence[Candidate], outcomes: Sequence[object], cache: Cache, settings: Settings
) -> Callable[[], list[CorsPolicy]]:
    """The policies of a run answered from the cache, decoded only when asked for."""
    from corslint.cache import Encoded

    def policies() -> list[CorsPolicy]:
        found: list[CorsPolicy] = []
        context = ProjectContext()
        for candidate, outcome in zip(candidates, outcomes, strict=True):
            if isinstance(outcome, Encoded):
                decoded = cache.decode_outcome(outcome)
                if decoded is None:  # damaged since the lookup: read the file instead
                    decoded = read_file(
                        candidate, context, max_bytes=settings.max_file_size, judged=settings.rule_enabled
                    )
                found.extend(decoded.policies)
            elif isinstance(outcome, FileOutcome):
                found.extend(outcome.policies)
        return found

    return policies


def _read_all(
    candidates: Sequence[Candidate],
    sizes: array[int],
    mtimes: array[int],
    settings: Settings,
    cache: Cache | None,
    isolate: bool,
    jobs: int | None,
    timeout: float,
    stats: RunStats,
    memo_key: str,
) -> tuple[list[FileOutcome], Remembered | None]:
    """Each candidate's outcome, in walk order whatever the parallelism; or, when nothing
    changed since the last run, that run's answer (the outcomes then stay encoded).
    `sizes` and `mtimes` are the candidates' stamps, by index (a negative size: none)."""
    cached: list[Any] = [None] * len(candidates)  # by index: what the cache answers, or None
    if cache is not None:
        from corslint.cache import Encoded

        cached = cache.lookup(candidates, sizes, mtimes)
        stats.files_cached = _answered(cached)
        remembered = cache.load_findings(memo_key)
        if remembered is not None:  # every file was cached: the outcomes stay encoded
            cache.save()  # new folder listings, if any
            return cached, remembered
        for index, outcome in enumerate(cached):
            if isinstance(outcome, Encoded):
                cached[index] = cache.decode_outcome(outcome)
                if cached[index] is None:  # this version cannot rebuild it: read the file again
                    cache.unchanged = False
        stats.files_cached = _answered(cached)
    outcomes: list[FileOutcome] = [EMPTY_OUTCOME if hit is None else hit for hit in cached]
    todo = [
        (i, Candidate(c.file, c.display, max(sizes[i], -1), mtimes[i]))
        for i, (c, hit) in enumerate(zip(candidates, cached, strict=True))
        if hit is None
    ]
    from corslint.workers import Result, Supervisor, WorkersUnavailable

    workers = jobs if jobs is not None else (os.cpu_count() or 1) if len(todo) >= POOL_THRESHOLD else 1
    max_bytes = settings.max_file_size
    fresh: dict[int, Result] | None = None
    if workers > 1 and todo:
        batch = max(16, min(512, len(todo) // (workers * 8) or 1))
        try:
            fresh = Supervisor(workers, max_bytes, timeout, judged=settings.rule_enabled).run(todo, batch)
        except WorkersUnavailable:
            fresh = None
    if fresh is None:
        fresh = _read_inline(todo, max_bytes, isolate, timeout, settings.rule_enabled)
    _take(fresh, outcomes, stats)
    if cache is not None:
        # in walk order: a folder's files are stored together
        cache.store_all(todo, fresh)
        cache.forget_missing(candidates)
        cache.save()
    return outcomes, None


def _read_streaming(
    stream: Iterable[list[Candidate]],
    candidates: list[Candidate],
    settings: Settings,
    cache: Cache | None,
    workers: int,
    timeout: float,
    stats: RunStats,
) -> list[FileOutcome]:
    """Each outcome, in walk order; `candidates` fills up as the walk (`stream`, a folder's
    files at a time) is consumed: all of it, even when WorkersUnavailable ends the reading."""
    from corslint.workers import Supervisor, WorkersUnavailable

    def jobs() -> Iterator[tuple[int, Candidate]]:
        for group in stream:
            start = len(candidates)
            candidates.extend(group)
            yield from enumerate(group, start)

    # the workers' stats, by candidate index (the candidates themselves stay unstamped)
    sizes: list[int] = []
    mtimes: list[int] = []

    def stamped(batch: list[tuple[int, Candidate]], batch_sizes: list[int], batch_mtimes: list[int]) -> None:
        first, last = batch[0][0], batch[-1][0]
        if last >= len(sizes):
            sizes.extend([-1] * (last + 1 - len(sizes)))
            mtimes.extend([0] * (last + 1 - len(mtimes)))
        if last - first + 1 == len(batch):  # a run of the walk, as batches nearly always are
            sizes[first : last + 1] = batch_sizes
            mtimes[first : last + 1] = batch_mtimes
        else:  # what is left of a batch after a crash
            for (index, _), size, mtime in zip(batch, batch_sizes, batch_mtimes, strict=True):
                sizes[index] = size
                mtimes[index] = mtime

    supervisor = Supervisor(
        workers, settings.max_file_size, timeout, for_cache=cache is not None, judged=settings.rule_enabled
    )
    supervisor.on_stamps = stamped if cache is not None else None
    supervisor.when_idle = _import_rules  # needed at the end, and this process waits anyway
    listed = jobs()
    try:
        fresh = supervisor.run(listed, STREAM_BATCH)
    except WorkersUnavailable:
        for _ in listed:  # the caller takes over with every candidate
            pass
        raise
    outcomes: list[FileOutcome] = [EMPTY_OUTCOME] * len(candidates)
    _take(fresh, outcomes, stats)
    if cache is not None:
        missing = len(candidates) - len(sizes)
        cache.store_walked(
            candidates, sizes + [-1] * missing, mtimes + [0] * missing, fresh, supervisor.encoded
        )
        cache.save()
    return outcomes


def _take(
    fresh: Mapping[int, tuple[int, FileOutcome, tuple[str, ...]]],
    outcomes: list[FileOutcome],
    stats: RunStats,
) -> None:
    """Fresh outcomes into their places."""
    for index, outcome, _ in fresh.values():
        outcomes[index] = outcome
        stats.files_parsed += outcome.parsed


def _read_inline(
    todo: Sequence[tuple[int, Candidate]], max_bytes: int, isolate: bool, timeout: float, judged: RuleFilter
) -> dict[int, tuple[int, FileOutcome, tuple[str, ...]]]:
    """A small run: prefilter here; parse here too, or in a fenced-off worker if `isolate`."""
    from corslint.workers import Supervisor, TrackingContext, WorkersUnavailable

    context = TrackingContext()
    results: dict[int, tuple[int, FileOutcome, tuple[str, ...]]] = {}
    to_parse: list[tuple[int, Candidate]] = []
    for index, candidate in todo:
        screened = screen(candidate, max_bytes=max_bytes)
        if isinstance(screened, FileOutcome):
            results[index] = (index, screened, ())
        elif isolate:
            to_parse.append((index, candidate))
        else:
            context.touched.clear()
            outcome = extract_prepared(candidate, screened, context, judged)
            own = os.path.abspath(candidate.file)
            results[index] = (index, outcome, tuple(sorted(p for p in context.touched if p != own)))
    if to_parse:
        workers = min(os.cpu_count() or 1, 1 + len(to_parse) // 16)
        try:
            results.update(Supervisor(workers, max_bytes, timeout, judged=judged).run(to_parse, 8))
        except WorkersUnavailable:  # no isolation to be had: parse here
            for index, candidate in to_parse:
                outcome = read_file(candidate, context, max_bytes=max_bytes, judged=judged)
                results[index] = (index, outcome, ())
    return results


def judge(policies: Iterable[CorsPolicy], rules: Iterable[Rule]) -> list[Finding]:
    from corslint.rules.base import PolicyProbe

    probes = [PolicyProbe(policy) for policy in policies]
    findings: list[Finding] = []
    for rule in rules:
        findings.extend(rule.check_all(probes))
    return findings


def suppressed(finding: Finding, texts: dict[str, str]) -> bool:
    """`corslint: ignore[ID]` on the finding's line or the line above; bare = every rule."""
    text = texts.get(finding.location.path)
    if text is None:
        try:
            text = Path(finding.location.path).read_text("utf-8", errors="replace")
        except OSError:
            return False
        texts[finding.location.path] = text
    lines = text.splitlines()
    for number in (finding.location.line, finding.location.line - 1):
        if not 1 <= number <= len(lines):
            continue
        for match in _SUPPRESSION.finditer(lines[number - 1]):
            ids = match.group(1)
            if ids is None:
                return True
            if any(finding.rule_id.startswith(i.strip().upper()) for i in ids.split(",") if i.strip()):
                return True
    return False


def exit_code(findings: Iterable[Finding], fail_level: Level) -> int:
    return 1 if any(f.level.rank >= fail_level.rank for f in findings) else 0
