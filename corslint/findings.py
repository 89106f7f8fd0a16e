"""Findings: what the rules conclude, and what the reports render."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from corslint.model import Location


class Level(enum.Enum):
    """Severity, in SARIF's words; ordered so that ERROR > WARNING > NOTE."""

    NOTE = "note"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return {"note": 0, "warning": 1, "error": 2}[self.value]


@dataclass(frozen=True)
class Related:
    """A place that explains a finding, such as where an option's value was defined."""

    location: Location
    message: str


@dataclass(frozen=True)
class Finding:
    """A rule's conclusion about one configuration, at the exact option it concerns."""

    rule_id: str
    level: Level
    message: str
    location: Location
    related: tuple[Related, ...] = ()
    framework: str = ""
    # the rule's name, carried so that reports naming it need not import every rule
    rule_name: str = ""

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        loc = self.location
        return (loc.path, loc.line, loc.column, self.rule_id, self.message)
