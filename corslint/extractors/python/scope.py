"""The local names a resolution step sees, and how deep it has gone."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from corslint.model import Value

MAX_DEPTH = 40  # resolution steps through names and calls before giving up


_set = object.__setattr__  # for the frozen dataclasses below that fill their own fields


@dataclass(frozen=True)
class Scope:
    """Local names bound while resolving (comprehension variables)."""

    names: Mapping[str, Value]
    depth: int = 0

    def __init__(self, names: Mapping[str, Value], depth: int = 0) -> None:
        # one per resolution step: the generated frozen __init__ looks object.__setattr__
        # up again for every field; this one (_set) does not
        _set(self, "names", names)
        _set(self, "depth", depth)

    def deeper(self) -> Scope:
        return Scope(self.names, self.depth + 1)


EMPTY_SCOPE = Scope({})
