"""The worker that parses a small tree's configurations, forked at the first of them.

A tree under POOL_THRESHOLD files is walked and screened in the supervisor (run.py); a run
that isolates its parsers (the command line does) then forks a worker to parse what the
prefilter let through, which imported the parsers only then: 0.1 s of CPU on the run's
longest path while the other core had nothing to do. The worker is now forked at the first
file to parse, and told at once to import the readers each such file wants, then the
rules, while the supervisor screens the rest of the tree; it parses them all once the
screening is done. A tree with nothing to parse forks nothing, as before.

(Forking the parsing worker of a large tree while the walk's first files are listed, to
import the rules and the readers of the languages the walk shows while the second core is
idle, measured 3-6% less wall time at 10,000 realistic files but 4-5% more CPU (the rules
imported twice), from 2% less to 4% more wall time at 30,000, and nothing on a loaded
host: left out.)
"""

from __future__ import annotations

from collections.abc import Iterable

from corslint.extractors import Extractor
from corslint.runner.workers import Supervisor

RULES = "corslint.rules"  # judged in the worker, at its first policy


class WarmStart:
    """A parsing worker started before its files are known, and what it was told to import."""

    def __init__(self, supervisor: Supervisor) -> None:
        self.supervisor = supervisor
        self._sent: set[str] = set()

    @classmethod
    def start(cls, supervisor: Supervisor) -> WarmStart:
        """The supervisor's parsing worker started, if it can be (else the supervisor starts
        its workers as usual when it runs)."""
        supervisor.prestart()
        return cls(supervisor)

    def needs(self, extractors: Iterable[Extractor]) -> None:
        """A file to parse: the readers it wants, then the rules, each imported once."""
        for module in (*(e.module for e in extractors), RULES):
            if module not in self._sent:
                self._sent.add(module)
                self.supervisor.warm(module)

    def parsing(self, workers: int) -> Supervisor:
        """Its supervisor, for the files to parse: `workers` of them, all parsing."""
        self.supervisor.one_parser = False
        self.supervisor.workers = workers
        return self.supervisor

    def discard(self) -> None:
        """The worker is not needed (the screening was interrupted)."""
        self.supervisor.discard()
