"""Reading files in worker processes: spread over the cores, and fenced off from the run.

A parser can crash the process it runs in (a native parser can segfault) or never
return. Each worker announces the file it starts to parse and when it is done, so the
supervisor can name the file when a worker dies or overruns its time limit, report it
as CORS001, start a new worker and hand it the rest of the batch.

On a walk's files (`Supervisor(one_parser=True)`) one worker parses and the others only
screen: the few files their prefilter lets through go back to the supervisor, which hands
them to the parsing worker ahead of the walk's batches. Each process that parses imports
the parsers (0.1 s of CPU, a fifth of a cold run at 10k files; the rules it inherits from
the supervisor); a screening worker with nothing else to do joins in only once a backlog
builds up that outlasts that import.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, Any

import corslint.engine as engine
from corslint.engine import FileOutcome
from corslint.extractors.context import ProjectContext
from corslint.runner import worker_collector
from corslint.runner.channel import Channel, channel_pair, ready
from corslint.runner.discovery import Candidate
from corslint.runner.observed_files import Observation, ObservedMemo, RunMemo, observing

if TYPE_CHECKING:  # multiprocessing is imported only where there is no fork
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess
    from pathlib import Path


Job = tuple[int, Candidate]
Result = tuple[int, FileOutcome, tuple[Observation, ...]]  # index, outcome, what it observed
FIRST_BATCH = 64  # files in each worker's first batch
# With `one_parser`, the files another worker's prefilter let through go to the parsing
# worker this many at a time, ahead of the walk's batches
PARSE_BATCH = 16
# and an idle worker with nothing else to do starts parsing too (importing the parsers and
# rules a second time, 0.1 s of CPU) once this many wait for the parsing worker; and any
# idle worker does once a tree is parse-bound (PARSE_BOUND_BACKLOG wait), so that one
# process does not hold most of its parses (else 306 of the real tree's 338 files)
SHARED_PARSING_BACKLOG = 24
PARSE_BOUND_BACKLOG = 96
# but once the walk is over, a backlog under PARSE_BOUND_BACKLOG is shared only when the
# parses it holds, at the median time of those done so far, outlast the second import (a
# realistic 10k-file tree's 24 files take 0.03 s, the import 0.1 s of CPU): measured from
# PARSE_SAMPLES parses on (the first of each extractor pay for its import)
SHARED_PARSING_SECONDS = 0.25
PARSE_SAMPLES = 8


def extract_one(
    candidate: Candidate,
    screened: engine.Prepared,
    announce: Callable[[bool], None] | None = None,
    judged: engine.RuleFilter = engine.every_rule,
    unobserved: RunMemo | None = None,
    folders: tuple[Path, ...] = (),
) -> tuple[FileOutcome, tuple[Observation, ...]]:
    """The parsers, for one file the byte prefilter let through; with what the extraction
    observed of other paths (observed_files), for the cache.

    Each file gets a context of its own: a module another file's extraction parsed would
    come from the context's memo without being observed again, and this file's outcome
    would not be re-read when that module changes. (The cache then re-reads only what
    changed, each file with a fresh context too, so a cold run and a warm one agree.)
    Parsed modules are shared through the thread's ObservedMemo instead, whose hits are
    observed as the parse they stand for. A run that caches nothing passes the memo of
    its process (`unobserved`), and nothing is observed. `folders`: the run's linted folders."""
    if announce is not None:
        announce(True)
    if unobserved is not None:
        context = ProjectContext(memo=unobserved, linted_folders=folders)
        try:
            outcome = engine.extract_prepared(candidate.display, screened, context, judged)
        finally:
            context.release()
        if announce is not None:
            announce(False)
        return outcome, ()
    with observing() as observer:
        context = ProjectContext(memo=thread_memo(), linted_folders=folders)
        try:
            outcome = engine.extract_prepared(candidate.display, screened, context, judged)
        finally:
            context.release()
    if announce is not None:
        announce(False)
    return outcome, observer.observations()


_THREAD = threading.local()


def thread_memo() -> ObservedMemo:
    """The memo of this thread's extractions (a worker has one thread; runs in threads of
    one process each keep their own, as a module's project is rebound at each hit)."""
    memo: ObservedMemo | None = getattr(_THREAD, "memo", None)
    if memo is None:
        memo = _THREAD.memo = ObservedMemo()
    return memo


def read_one(
    candidate: Candidate,
    max_bytes: int,
    judged: engine.RuleFilter = engine.every_rule,
    folders: tuple[Path, ...] = (),
) -> tuple[FileOutcome, tuple[Observation, ...]]:
    """Prefilter one file, then extract it if it passes (`extract_one`), in this process."""
    from corslint.runner.prefilter import screen

    screened = screen(candidate, max_bytes=max_bytes)
    if isinstance(screened, FileOutcome):
        return screened, ()
    return extract_one(candidate, screened, None, judged, folders=folders)


def _worker(
    connection: Channel | Connection,
    max_bytes: int,
    for_cache: bool,
    judged: engine.RuleFilter = engine.every_rule,
    observe: bool = True,
    folders: tuple[Path, ...] = (),
) -> None:
    """A worker's life: take batches, answer with the outcomes worth sending back (and,
    `for_cache`, each as the cache stores it: encoding here spares the supervisor). A batch
    sent with `parse` false is only screened: the files that would be parsed are sent
    back by index (deferred), for the worker that parses. Without `observe` (nothing is
    cached) the extractions observe nothing, and share this process's RunMemo."""
    from corslint.engine import EMPTY_OUTCOME
    from corslint.extractors import EXTRACTORS
    from corslint.runner.prefilter import screen_file

    if for_cache:
        from corslint.runner.cache_format import encoded_outcome

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the supervisor handles ^C
    worker_collector.start()  # cycles are collected here, but not what lives on
    unobserved = None if observe else RunMemo()
    while True:
        try:
            message = connection.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        if type(message) is str:  # to import while nothing is to be read (warm_start.py)
            _warm(message)
            continue
        batch_id, batch, parse = message
        results: list[Result] = []
        encoded: list[tuple[int, Any]] = []
        deferred: list[int] = []
        # each file's size and mtime in batch order, the workers' own stats for a walk that
        # left them to the workers (-1: gone since the listing, or not a regular file)
        sizes: list[int] = []
        mtimes: list[int] = []
        for index, (file, display, size, mtime) in batch:
            read_size, read_mtime, screened = screen_file(file, display, size >= 0, EXTRACTORS, max_bytes)
            sizes.append(read_size)
            mtimes.append(read_mtime)
            if screened is EMPTY_OUTCOME:
                continue
            if isinstance(screened, tuple):  # to be parsed
                if not parse:
                    deferred.append(index)
                    continue
                if size < 0:
                    size, mtime = read_size, read_mtime

                def announce(starting: bool, index: int = index, batch_id: int = batch_id) -> None:
                    connection.send(("begin" if starting else "end", batch_id, index))

                candidate = Candidate(file, display, size, mtime)
                outcome, deps = extract_one(candidate, screened, announce, judged, unobserved, folders)
                worker_collector.after_extraction()
            else:  # settled by the prefilter: a diagnostic, or a file skipped
                outcome, deps = screened, ()
            results.append((index, outcome, deps))
            if for_cache and (form := encoded_outcome(outcome)) is not None:
                encoded.append((index, form))
        connection.send(("done", batch_id, (results, sizes, mtimes, encoded, deferred)))


def _warm(module: str) -> None:
    """Import a module before a file needs it. A failure is left to that file: its
    extraction reports it as before."""
    import importlib

    with contextlib.suppress(Exception):
        importlib.import_module(module)


class _Forked:
    """A worker started with a bare os.fork: a tenth of what multiprocessing.Process costs
    to start (no bootstrap, no per-process bookkeeping), which counts in a 10k-file run.
    It answers the part of the Process interface the supervisor uses."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.exitcode: int | None = None

    def _reap(self, flags: int) -> bool:
        if self.exitcode is not None:
            return True
        try:
            pid, status = os.waitpid(self.pid, flags)
        except ChildProcessError:
            self.exitcode = -1
            return True
        if pid == 0:
            return False
        self.exitcode = os.waitstatus_to_exitcode(status)
        return True

    def is_alive(self) -> bool:
        return not self._reap(os.WNOHANG)

    def kill(self) -> None:
        if self.exitcode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)

    def join(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not self._reap(os.WNOHANG) and time.monotonic() < deadline:
            time.sleep(0.001)


class WorkersUnavailable(Exception):
    """Worker processes cannot be started, or die before doing any work: the machine's
    doing (a process limit, memory), not a file's. The caller reads in-process instead."""


FRUITLESS_STARTS = 3  # workers in a row that die before answering anything


def _index(job: Job) -> int:
    return job[0]


def _fork_worker(
    max_bytes: int, for_cache: bool, judged: engine.RuleFilter, observe: bool, folders: tuple[Path, ...]
) -> tuple[_Forked, Channel]:
    # loaded before the fork, as the supervisor is about to pickle the first batch: else
    # the first worker imports it again to answer (3-5 ms of a worker's time)
    import pickle  # noqa: F401

    parent, child = channel_pair()
    try:
        pid = os.fork()
    except OSError as error:
        parent.close()
        child.close()
        raise WorkersUnavailable(f"cannot start a worker process: {error}") from error
    if pid == 0:  # the worker: never return into the supervisor's code
        code = 1
        try:
            parent.close()
            _worker(child, max_bytes, for_cache, judged, observe, folders)
            code = 0
        finally:
            os._exit(code)
    child.close()
    return _Forked(pid), parent


@dataclass
class _Slot:
    """One worker process and the batch it is working on."""

    process: BaseProcess | _Forked
    connection: Channel | Connection
    worked: bool = False  # it answered at least once: a later death is a parser's doing
    batch: tuple[int, list[Job]] | None = None
    parsing: int | None = None  # the job index being parsed
    deadline: float = 0.0
    parses: bool = True  # it parses what its prefilter lets through (else it defers it)
    began: float = 0.0  # when it announced the parse under way


# fork is cheap and safe here: the supervisor holds no threads or locks when it forks.
# Where there is no fork (Windows), multiprocessing spawns fresh interpreters.
_FORK = hasattr(os, "fork") and hasattr(os, "waitstatus_to_exitcode")


def _ready(connections: list[Any], timeout: float) -> list[Any]:
    """The connections with a message (or an end) waiting: channels where there is fork,
    multiprocessing's pipes where workers are spawned."""
    if _FORK:
        return ready(connections, timeout)
    from multiprocessing.connection import wait

    return wait(connections, timeout=timeout)


def _spawn_context() -> Any:
    import multiprocessing

    return multiprocessing.get_context("spawn")


class Supervisor:
    """Runs jobs on `workers` processes; one file's crash or hang costs only that file."""

    def __init__(
        self,
        workers: int,
        max_bytes: int,
        timeout: float,
        for_cache: bool = False,
        judged: engine.RuleFilter = engine.every_rule,
        one_parser: bool = False,
        observe: bool = True,
        folders: tuple[Path, ...] = (),
    ) -> None:
        self.workers = max(1, workers)
        self.folders = folders  # the folders the run lints, for each file's context
        # what the extractions look at, for the cache's dependencies (else nothing is cached)
        self.observe = observe
        # jobs mostly screened and seldom parsed (a walk's files): one worker parses, the
        # others hand it what their prefilter lets through (see the module's docstring)
        self.one_parser = one_parser
        self._to_parse: deque[Job] = deque()  # deferred by a screening worker
        self.judged = judged  # the rules the run selects: the workers judge with those alone
        self.max_bytes = max_bytes
        self.timeout = timeout
        self.for_cache = for_cache
        # with `for_cache`, outcomes as the cache stores them, by job index (see Cache.store_walked)
        self.encoded: dict[int, Any] = {}
        self._fruitless = 0  # workers in a row that died before answering
        self._parse_seconds: list[float] = []  # each parse announced and done, in order
        self._slots: list[_Slot] = []
        self._by_index: dict[int, Candidate] = {}
        # told a batch sent unstamped, with its files' sizes and mtimes, as it comes back
        self.on_stamps: Callable[[list[Job], list[int], list[int]], None] | None = None
        # told each batch's results as they come back (the caller's `lint(on_findings=...)`)
        self.on_results: Callable[[list[Result]], None] | None = None

    def _start(self) -> _Slot:
        parses = not self.one_parser or not any(slot.parses for slot in self._slots)
        if _FORK:
            return _Slot(
                *_fork_worker(self.max_bytes, self.for_cache, self.judged, self.observe, self.folders),
                parses=parses,
            )
        context = _spawn_context()
        parent, child = context.Pipe()
        process = context.Process(
            target=_worker,
            args=(child, self.max_bytes, self.for_cache, self.judged, self.observe, self.folders),
            daemon=True,
        )
        process.start()
        child.close()
        return _Slot(process, parent, parses=parses)

    def prestart(self) -> bool:
        """Start the worker that parses now, before its files are known (warm_start.py);
        False if it cannot (nor where there is no fork: a spawned interpreter is no head
        start)."""
        if not _FORK or self._slots:
            return False
        try:
            self._slots.append(self._start())
        except WorkersUnavailable:
            return False
        return True

    def warm(self, module: str) -> None:
        """Have the parsing worker import a module while it has nothing else to do."""
        for slot in self._slots:
            if slot.parses:
                with contextlib.suppress(OSError):
                    slot.connection.send(module)

    def discard(self) -> None:
        """End the workers at once, whatever they are doing (a run that no longer needs them)."""
        for slot in self._slots:
            slot.process.kill()
            slot.process.join(1)
            slot.connection.close()
        self._slots.clear()

    def _assign(self, pending: deque[list[Job]]) -> tuple[_Slot, list[Job]] | None:
        """The next batch and the worker to send it to (started if need be), or None."""
        idle = [slot for slot in self._slots if slot.batch is None]
        if self._to_parse:
            parser = next((slot for slot in idle if slot.parses), None)
            if parser is None and not any(slot.parses for slot in self._slots):
                if len(self._slots) < self.workers:  # the parsing worker died: its successor
                    parser = self._start()
                    self._slots.append(parser)
                elif idle:
                    parser = idle[0]
                    parser.parses = True
            backlog = len(self._to_parse)
            if (
                parser is None
                and idle
                and (backlog >= PARSE_BOUND_BACKLOG or (not pending and self._worth_sharing(backlog)))
            ):
                parser = idle[0]
                parser.parses = True
            if parser is not None:
                count = min(PARSE_BATCH, len(self._to_parse))
                # in walk order, as every batch is (batches answered out of order defer out of order)
                return parser, sorted((self._to_parse.popleft() for _ in range(count)), key=_index)
        if not pending:
            return None
        if idle:
            return idle[0], pending.popleft()
        if len(self._slots) < self.workers:
            slot = self._start()
            self._slots.append(slot)
            return slot, pending.popleft()
        return None

    def _worth_sharing(self, backlog: int) -> bool:
        """Whether a second parsing worker would parse `backlog` files sooner than the
        first alone, its import of the parsers counted."""
        done = sorted(self._parse_seconds)
        if backlog < SHARED_PARSING_BACKLOG or len(done) < PARSE_SAMPLES:
            return False
        typical = done[len(done) // 2] if done else 0.0
        return backlog * typical >= SHARED_PARSING_SECONDS

    def run(self, jobs: Iterable[Job], batch_size: int) -> dict[int, Result]:
        """The results of the jobs that yielded something (most files yield nothing and
        have none). `jobs` may be a lazy walk: the supervisor takes a batch from it
        whenever it is not answering a worker, so the workers start on the first files
        while the rest of the tree is still being listed."""
        results: dict[int, Result] = {}
        pending: deque[list[Job]] = deque()
        source = iter(jobs)
        exhausted = False
        first = max(1, min(batch_size, FIRST_BATCH))  # small: the workers start at once
        self._by_index = {}  # the jobs of the batches not answered yet
        next_id = 0
        try:
            while True:
                if not exhausted:
                    batch = list(islice(source, first if next_id < self.workers else batch_size))
                    exhausted = not batch
                    if batch:
                        self._by_index.update(batch)
                        pending.append(batch)
                while (assigned := self._assign(pending)) is not None:
                    idle, batch = assigned
                    next_id += 1
                    idle.batch = (next_id, batch)
                    idle.parsing = None
                    idle.deadline = time.monotonic() + self.timeout
                    try:
                        # plain tuples: a NamedTuple pickles five times slower
                        idle.connection.send((next_id, [(i, tuple(c)) for i, c in batch], idle.parses))
                    except OSError:
                        self._fail(idle, pending, results, None)
                busy = [s for s in self._slots if s.batch is not None]
                if not busy:
                    if exhausted and not pending and not self._to_parse:
                        break
                    continue
                now = time.monotonic()
                # while the walk goes on, only collect what has arrived; then wait
                timeout = 0.0 if not exhausted else max(0.0, min(s.deadline for s in busy) - now)
                waiting = _ready([s.connection for s in busy], timeout)
                for slot in busy:
                    if slot.connection not in waiting:
                        continue
                    try:
                        kind, batch_id, payload = slot.connection.recv()
                    except (EOFError, OSError):
                        self._fail(slot, pending, results, "crashed")
                        continue
                    assert slot.batch is not None
                    slot.worked = True
                    self._fruitless = 0
                    if batch_id != slot.batch[0]:
                        continue
                    if kind == "begin":
                        slot.parsing = payload
                        slot.began = time.monotonic()
                        slot.deadline = slot.began + self.timeout
                    elif kind == "end":
                        slot.parsing = None
                        now = time.monotonic()
                        self._parse_seconds.append(now - slot.began)
                        slot.deadline = now + self.timeout
                    else:
                        done, sizes, mtimes, encoded, deferred = payload
                        for result in done:
                            results[result[0]] = result
                        if done and self.on_results is not None:
                            self.on_results(done)
                        self.encoded.update(encoded)
                        to_parse = [(index, self._by_index[index]) for index in deferred]
                        for index, _ in slot.batch[1]:  # a large tree's candidates: the caller holds them
                            del self._by_index[index]
                        self._by_index.update(to_parse)  # still to be answered, by the parsing worker
                        self._to_parse.extend(to_parse)
                        if self.on_stamps is not None:
                            self.on_stamps(slot.batch[1], sizes, mtimes)
                        slot.batch = None
                        slot.parsing = None
                now = time.monotonic()
                for slot in list(self._slots):  # _fail removes the slot
                    if slot.batch is not None and now >= slot.deadline:
                        self._fail(slot, pending, results, "timeout")
        finally:
            self.close()
        return results

    def _fail(
        self,
        slot: _Slot,
        pending: deque[list[Job]],
        results: dict[int, Result],
        why: str | None,
    ) -> None:
        """The worker died or overran: blame the file it was parsing, retry the others."""
        exitcode = None
        if slot.process.is_alive():
            slot.process.kill()
        slot.process.join(5)
        exitcode = slot.process.exitcode
        slot.connection.close()
        self._slots.remove(slot)
        if why != "timeout" and not slot.worked:
            # it never answered, nor announced a parse: no file it was given is to blame
            self._fruitless += 1
            if self._fruitless >= FRUITLESS_STARTS:
                raise WorkersUnavailable(
                    f"worker processes end before doing any work ({_describe(exitcode)})"
                )
            if slot.batch is not None:
                pending.appendleft(slot.batch[1])
            return
        if slot.batch is None:
            return
        batch = slot.batch[1]
        blamed = slot.parsing
        if blamed is None and len(batch) == 1:
            blamed = batch[0][0]
        if blamed is None:  # not while parsing: find the file by retrying one at a time
            pending.extendleft([job] for job in reversed(batch))
            return
        if why == "timeout":
            reason = f"the parser did not finish within {self.timeout:g} s; the file was not analysed"
        else:
            reason = f"the parser crashed ({_describe(exitcode)}); the file was not analysed"
        results[blamed] = (blamed, engine.failure_at(self._by_index[blamed].display, reason), ())
        rest = [job for job in batch if job[0] != blamed]
        if rest:
            pending.appendleft(rest)

    def close(self) -> None:
        for slot in self._slots:
            with contextlib.suppress(OSError):
                slot.connection.send(None)
        for slot in self._slots:
            slot.process.join(1)
            if slot.process.is_alive():
                slot.process.kill()
                slot.process.join(1)
            slot.connection.close()
        self._slots.clear()


def _describe(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            return f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exit status {exitcode}"
