"""Findings: what the rules conclude, and what the reports render; with the places they
point at and the diagnostics the engine reports as findings."""

from __future__ import annotations

import enum
from dataclasses import dataclass

_set = object.__setattr__  # for the frozen dataclasses below that fill their own fields


@dataclass(frozen=True, order=True)
class Location:
    """A 1-based span in a file; ``path`` is as given on the command line, posix-style."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int

    def __init__(self, path: str, line: int, column: int, end_line: int, end_column: int) -> None:
        # made by the thousand: the generated frozen __init__ looks object.__setattr__ up
        # again for every field; this one (_set) does not
        _set(self, "path", path)
        _set(self, "line", line)
        _set(self, "column", column)
        _set(self, "end_line", end_line)
        _set(self, "end_column", end_column)

    @classmethod
    def point(cls, path: str, line: int, column: int = 1) -> Location:
        return cls(path, line, column, line, column)


@dataclass(frozen=True)
class Diagnostic:
    """Something an extractor noticed about the input itself (not a judgement)."""

    rule_id: str  # "CORS001" for unreadable input, "CORS305" for unresolved values ...
    message: str
    location: Location


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


# the related place of an origin entry kept in another module than the option naming it:
# the finding stands at the option, and each entry is its own problem there
ENTRY_DEFINED_HERE = "the origin entry is defined here"


@dataclass(frozen=True)
class Edit:
    """Replace the text between two character offsets of a file (``start`` <= ``end``);
    ``location`` is the same span as 1-based lines and columns, for reports."""

    location: Location
    start: int
    end: int
    replacement: str


@dataclass(frozen=True)
class Fix:
    """A repair of one finding: its edits, whether it keeps the intended behaviour
    (``safe``: applied by ``--fix``; otherwise only with ``--unsafe-fixes``), and what it does."""

    description: str
    edits: tuple[Edit, ...]
    safe: bool = True


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
    fix: Fix | None = None  # attached by corslint.fixes when a run's fixes are wanted

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        loc = self.location
        return (loc.path, loc.line, loc.column, self.rule_id, self.message)
