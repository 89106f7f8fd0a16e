"""A run: walk, stat, ask the cache, read what it cannot answer (here or in workers),
then judge with the rules that see every policy at once (the findings kept of it:
kept_findings.py). files -> policies -> findings; reports are rendered elsewhere."""

from __future__ import annotations

import gc
import os
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corslint.engine import (
    EMPTY_OUTCOME,
    FileOutcome,
    RuleFilter,
    across_policy_rules,
    as_finding,
    extract_prepared,
    judge,
)
from corslint.extractors.context import ProjectContext
from corslint.findings import Diagnostic, Finding, Location
from corslint.linted_folders import linted_folders
from corslint.runner.discovery import Candidate, Skipped, walk_folders
from corslint.runner.file_stats import GONE, FileStats
from corslint.runner.kept_findings import conclude
from corslint.runner.prefilter import SOURCE_NAMES, SOURCE_SUFFIXES, prepare_screening, read_file, screen
from corslint.runner.result import RunResult, RunStats
from corslint.runner.settings import Settings

if TYPE_CHECKING:
    from corslint.model import CorsPolicy
    from corslint.runner.cache import Cache, Remembered

POOL_THRESHOLD = 2000  # files to read before worker processes pay for their start-up
STREAM_BATCH = 256  # files per batch handed to a worker while the walk goes on
PARSE_TIMEOUT = 30.0  # seconds one file may take in an isolated parser


def lint(
    paths: Sequence[Path],
    settings: Settings,
    *,
    cache_dir: Path | None = None,
    isolate: bool = False,
    jobs: int | None = None,
    timeout: float = PARSE_TIMEOUT,
    on_findings: Callable[[Sequence[Finding]], None] | None = None,
) -> RunResult:
    """Lint `paths`. `cache_dir` enables the results cache; `isolate` parses in worker
    processes even for a small run (so a crashing or hanging parser cannot take the run
    down); `jobs` fixes the number of worker processes (default: every core, for large trees).
    `on_findings` is told the findings of the files the workers have read, as their answers
    come in while a large tree is read (not those of a run read in this process, nor those
    judged across files at the end): the caller may get ready for them meanwhile."""
    folders = linted_folders(paths)  # handed to each file's ProjectContext
    collecting = gc.isenabled()
    gc.disable()  # a run builds many objects and no cyclic garbage worth a collection
    try:
        return _report_missing(
            _lint(paths, settings, cache_dir, isolate, jobs, timeout, on_findings, folders), settings
        )
    finally:
        if collecting:
            gc.enable()


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
        as_finding(
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
    on_findings: Callable[[Sequence[Finding]], None] | None = None,
    folders: tuple[Path, ...] = (),
) -> RunResult:
    skipped: list[Skipped] = []
    stats = RunStats()
    cache = None
    if cache_dir is not None:
        from corslint.runner.cache import Cache, settings_fingerprint

        cache = Cache.open(cache_dir, settings_fingerprint(settings))
    workers = jobs if jobs is not None else os.cpu_count() or 1
    # read afresh with several workers: files are stat-ed by the workers, not here
    afresh = workers > 1 and (cache is None or cache.is_empty())
    # a cached run stats every file: for a tree that was large last time, a helper forked
    # before the walk fills the heap takes a share (files named one by one, as pre-commit
    # names them, are too few for it whatever the last run walked)
    large = cache is not None and not afresh and cache.files_walked_before() >= POOL_THRESHOLD
    file_stats = FileStats(helper=large and workers > 1 and any(os.path.isdir(p) for p in paths))
    walker = walk_folders(
        paths,
        settings.exclude,
        SOURCE_SUFFIXES + SOURCE_NAMES,
        skipped,
        respect_gitignore=settings.respect_gitignore,
        memory=cache,
        force_exclude=settings.force_exclude,
        exclude_anchor=settings.exclude_anchor() if settings.exclude else "",
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
        from corslint.runner.workers import WorkersUnavailable

        # a large tree read afresh: the workers read files while the walk goes on
        candidates = []
        try:
            outcomes = _read_streaming(
                chain(head, walker),
                candidates,
                settings,
                cache,
                workers,
                timeout,
                stats,
                on_findings,
                folders,
            )
        except WorkersUnavailable:  # read in this process, as for a small tree
            streamed = False
            head, walker = [candidates], iter(())
            jobs, isolate = 1, False
    if not streamed:
        try:
            candidates = file_stats.collect(chain(head, walker))
            sizes, mtimes = file_stats.stamps(candidates)
        finally:
            file_stats.close()  # a helper left waiting by an exception (^C during the walk)
        if GONE in sizes:  # gone since the listing, or no longer a regular file
            present = [i for i, size in enumerate(sizes) if size != GONE]
            candidates = [candidates[i] for i in present]
            sizes = array("q", [sizes[i] for i in present])
            mtimes = array("q", [mtimes[i] for i in present])
        outcomes, remembered = _read_all(
            candidates, sizes, mtimes, settings, cache, isolate, jobs, timeout, stats, memo_key, folders
        )
    stats.files_seen = len(candidates)
    if remembered is not None:
        assert cache is not None
        stats.policies = remembered.policies
        skipped.extend(remembered.skipped)
        return RunResult(
            remembered.findings, _decoder(candidates, outcomes, cache, settings, folders), skipped, stats
        )

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

    findings.extend(as_finding(diagnostic) for diagnostic in diagnostics)
    findings.extend(judge(policies, across_policy_rules(settings.rule_enabled)))
    configured = [c.display for c, o in zip(candidates, outcomes, strict=True) if o.policies or o.diagnostics]
    kept = conclude(findings, settings, texts, configured)
    if cache is not None:
        cache.save_findings(memo_key, kept, skipped[walked_skipped:], len(policies))
    return RunResult(kept, policies, skipped, stats, (candidates, outcomes, texts))


def lint_text(display: str, text: str, settings: Settings) -> RunResult:
    """Lint `text` as the file shown as `display` (`corslint - --stdin-filename PATH`): the
    modules it imports are read from disk beside that path, as for the file itself."""
    from corslint.extractors import EXTRACTORS

    name = "-.py" if display == "-" else display.rpartition("/")[2]  # unnamed: Python, as in ruff
    data = text.encode("utf-8", errors="replace")
    wanted = tuple(e for e in EXTRACTORS if e.accepts(name) and e.wants(data))
    stats = RunStats(files_seen=1)
    outcome = EMPTY_OUTCOME
    if wanted:
        outcome = extract_prepared(display, (text, wanted), ProjectContext(), settings.rule_enabled)
        stats.files_parsed = 1
    stats.policies = len(outcome.policies)
    findings = list(outcome.findings)
    findings.extend(as_finding(d) for d in (*settings.problems, *outcome.diagnostics))
    findings.extend(judge(outcome.policies, across_policy_rules(settings.rule_enabled)))
    kept = conclude(findings, settings, {display: text}, [display] if outcome.policies else [])
    skipped = [Skipped(display, outcome.skipped)] if outcome.skipped else []
    return RunResult(kept, list(outcome.policies), skipped, stats)


def files_to_lint(paths: Sequence[Path], settings: Settings) -> tuple[list[str], list[Skipped]]:
    """`--show-files`: every file the walk of `paths` hands to the reader (each is then read
    and searched for CORS keywords; most are not parsed), as shown, sorted."""
    skipped: list[Skipped] = []
    walker = walk_folders(
        paths,
        settings.exclude,
        SOURCE_SUFFIXES + SOURCE_NAMES,
        skipped,
        respect_gitignore=settings.respect_gitignore,
        force_exclude=settings.force_exclude,
        exclude_anchor=settings.exclude_anchor() if settings.exclude else "",
    )
    return sorted(candidate.display for group in walker for candidate in group), skipped


def _answered(cached: Sequence[object]) -> int:
    """How many files the cache answered. By identity: `list.count(None)` would call each
    outcome's dataclass __eq__, 2 ms at 24k files."""
    return len(cached) - sum(1 for hit in cached if hit is None)


def _decoder(
    candidates: Sequence[Candidate],
    outcomes: Sequence[object],
    cache: Cache,
    settings: Settings,
    folders: tuple[Path, ...] = (),
) -> Callable[[], list[CorsPolicy]]:
    """The policies of a run answered from the cache, decoded only when asked for."""
    from corslint.runner.cache_format import Encoded

    def policies() -> list[CorsPolicy]:
        found: list[CorsPolicy] = []
        context = ProjectContext(linted_folders=folders)
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
    folders: tuple[Path, ...] = (),
) -> tuple[list[FileOutcome], Remembered | None]:
    """Each candidate's outcome, in walk order whatever the parallelism; or, when nothing
    changed since the last run, that run's answer (the outcomes then stay encoded).
    `sizes` and `mtimes` are the candidates' stamps, by index (a negative size: none)."""
    cached: list[Any] = [None] * len(candidates)  # by index: what the cache answers, or None
    if cache is not None:
        from corslint.runner.cache_format import Encoded

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
    from corslint.runner.workers import Result, Supervisor, WorkersUnavailable

    workers = jobs if jobs is not None else (os.cpu_count() or 1) if len(todo) >= POOL_THRESHOLD else 1
    max_bytes = settings.max_file_size
    fresh: dict[int, Result] | None = None
    if workers > 1 and todo:
        batch = max(16, min(512, len(todo) // (workers * 8) or 1))
        try:
            supervisor = Supervisor(
                workers,
                max_bytes,
                timeout,
                judged=settings.rule_enabled,
                one_parser=True,
                observe=cache is not None,
                folders=folders,
            )
            fresh = supervisor.run(todo, batch)
        except WorkersUnavailable:
            fresh = None
    if fresh is None:
        fresh = _read_inline(
            todo, max_bytes, isolate, timeout, settings.rule_enabled, cache is not None, folders
        )
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
    on_findings: Callable[[Sequence[Finding]], None] | None = None,
    folders: tuple[Path, ...] = (),
) -> list[FileOutcome]:
    """Each outcome, in walk order; `candidates` fills up as the walk (`stream`, a folder's
    files at a time) is consumed: all of it, even when WorkersUnavailable ends the reading."""
    from corslint.runner.workers import Supervisor, WorkersUnavailable

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
        workers,
        settings.max_file_size,
        timeout,
        for_cache=cache is not None,
        judged=settings.rule_enabled,
        one_parser=True,  # a walk's files: most are screened, few parsed
        observe=cache is not None,
        folders=folders,
    )
    supervisor.on_stamps = stamped if cache is not None else None
    if on_findings is not None:
        told = on_findings

        def answered(results: list[tuple[int, FileOutcome, Any]]) -> None:
            found = [finding for _, outcome, _ in results for finding in outcome.findings]
            if found:
                told(found)

        supervisor.on_results = answered
    # needed at the end, and by the worker that parses: imported once, before the workers fork
    _import_rules()
    prepare_screening()  # what each worker would work out for itself
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
    fresh: Mapping[int, tuple[int, FileOutcome, tuple[Any, ...]]],
    outcomes: list[FileOutcome],
    stats: RunStats,
) -> None:
    """Fresh outcomes into their places."""
    for index, outcome, _ in fresh.values():
        outcomes[index] = outcome
        stats.files_parsed += outcome.parsed


def _read_inline(
    todo: Sequence[tuple[int, Candidate]],
    max_bytes: int,
    isolate: bool,
    timeout: float,
    judged: RuleFilter,
    observe: bool = True,
    folders: tuple[Path, ...] = (),
) -> dict[int, tuple[int, FileOutcome, tuple[Any, ...]]]:
    """A small run: prefilter here; parse here too, or in a fenced-off worker if `isolate`:
    one forked at the first file to parse, which imports the parsers while the rest are
    screened (warm_start.py). Without `observe` (nothing is cached) the extractions here
    share a memo of this run's own and observe nothing, as the workers of such a run do."""
    from corslint.runner.observed_files import RunMemo
    from corslint.runner.warm_start import WarmStart
    from corslint.runner.workers import Supervisor, WorkersUnavailable, extract_one, read_one

    unobserved = None if observe else RunMemo()
    results: dict[int, tuple[int, FileOutcome, tuple[Any, ...]]] = {}
    to_parse: list[tuple[int, Candidate]] = []
    early: WarmStart | None = None
    try:
        for index, candidate in todo:
            screened = screen(candidate, max_bytes=max_bytes)
            if isinstance(screened, FileOutcome):
                results[index] = (index, screened, ())
            elif isolate:
                to_parse.append((index, candidate))
                if early is None:
                    early = WarmStart.start(
                        Supervisor(1, max_bytes, timeout, judged=judged, observe=observe, folders=folders)
                    )
                early.needs(screened[1])
            else:
                results[index] = (index, *extract_one(candidate, screened, None, judged, unobserved, folders))
    except BaseException:
        if early is not None:
            early.discard()
        raise
    if early is not None:
        try:
            results.update(early.parsing(min(os.cpu_count() or 1, 1 + len(to_parse) // 16)).run(to_parse, 8))
        except WorkersUnavailable:  # no isolation to be had: parse here
            for index, candidate in to_parse:
                results[index] = (index, *read_one(candidate, max_bytes, judged, folders))
    return results


def _import_rules() -> None:
    import corslint.rules  # noqa: F401
