"""The names a settings module binds, with their values and where they are assigned."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from corslint.extractors.python import PythonModule
from corslint.model import Location, Value

# A branch forced while evaluating an entry point: (module path, line, column) of an `if`
# -> 0 for its body, 1 for its `else`
Choices = Mapping[tuple[str, int, int], int]
MAX_ALTERNATIVES = 8


@dataclass(frozen=True)
class Setting:
    """A settings name's value, and where the name is assigned.

    `alternatives` holds the values the name may have when evaluation could not pick one:
    both sides of an undecidable `if`, a list entry inserted at a position it could not
    work out (at the start and at the end). A question every alternative answers alike
    (is CorsMiddleware above CommonMiddleware?) has an answer; `value` is then unknown,
    or the most likely value when one is.
    """

    value: Value
    target: Location  # where the name is assigned
    alternatives: tuple[Value, ...] = ()

    def candidates(self) -> tuple[Value, ...]:
        return self.alternatives or (self.value,)


@dataclass
class Namespace:
    """The names a settings module ends up with, and what evaluating it ran into."""

    settings: dict[str, Setting] = field(default_factory=dict)
    modules: list[PythonModule] = field(default_factory=list)  # itself, star-imported, included
    # names assigned in branches that did not run (an `if DEBUG:` off by default): the
    # library never sees them, but their spelling is still the author's (CORS304, CORS307)
    unrun: dict[str, list[Location]] = field(default_factory=dict)
    choices: Choices = field(default_factory=dict)  # branches forced for this entry point
    # the names of the settings module star-importing this one (`django.conf.settings.X`)
    importer: dict[str, Setting] | None = None
    # names last bound in the development arm of an `if DEBUG:` its default decided
    development: set[str] = field(default_factory=set)
    # settings may be bound where evaluation does not look (a skipped `from .local import *`)
    incomplete: bool = False

    def value(self, name: str) -> Value | None:
        found = self.settings.get(name)
        return found.value if found is not None else None

    def applies_with(self, name: str, other: str, entry_path: str) -> bool:
        """Whether `other`'s assignment holds wherever `name`'s does: both are made in one
        module, or `name` in the entry point's own module. (`CORS_ALLOW_ALL_ORIGINS = True`
        in `local.py` shadows `base.py`'s allow-list in `local.py` only: `production.py`
        imports base and uses that allow-list.)"""
        first, second = self.settings.get(name), self.settings.get(other)
        if first is None or second is None:
            return False
        here = os.path.realpath(first.target.path)
        return here == os.path.realpath(second.target.path) or here == os.path.realpath(entry_path)

    def copy(self) -> Namespace:
        """A namespace to run one side of an undecidable branch in: its own names, the
        same module list (modules read on either side were read)."""
        return Namespace(
            dict(self.settings),
            self.modules,
            self.unrun,
            self.choices,
            self.importer,
            set(self.development),
            self.incomplete,
        )
