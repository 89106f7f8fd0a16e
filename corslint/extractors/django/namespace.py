"""The names a settings module binds, with their values and where they are assigned."""

from __future__ import annotations

from dataclasses import dataclass, field

from corslint.extractors.python import PythonModule
from corslint.model import Location, Value


@dataclass(frozen=True)
class Setting:
    """A settings name's value, and where the name is assigned."""

    value: Value
    target: Location  # where the name is assigned


@dataclass
class Namespace:
    """The names a settings module ends up with, and what evaluating it ran into."""

    settings: dict[str, Setting] = field(default_factory=dict)
    modules: list[PythonModule] = field(default_factory=list)  # itself, star-imported, included

    def value(self, name: str) -> Value | None:
        found = self.settings.get(name)
        return found.value if found is not None else None
