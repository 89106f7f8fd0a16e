"""What a run answers: its findings, the policies they judge, the paths it skipped, and
what it did (for the report's summary). Data only: reports read it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from corslint.findings import Finding
from corslint.runner.discovery import Skipped

if TYPE_CHECKING:
    from corslint.model import CorsPolicy


@dataclass
class RunStats:
    """What a run did, for the report's summary."""

    files_seen: int = 0
    files_parsed: int = 0
    policies: int = 0
    files_cached: int = 0  # answered from the cache without reading


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
