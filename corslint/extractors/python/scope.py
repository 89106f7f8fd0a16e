"""The local names a resolution step sees, and how deep it has gone."""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from corslint.model import Value

MAX_DEPTH = 40  # resolution steps through names and calls before giving up


_set = object.__setattr__  # for the frozen dataclasses below that fill their own fields


class Resolver(Protocol):
    """What an argument needs of the module its expression stands in: resolution."""

    path: str

    def resolve(self, node: ast.expr, scope: Scope = ...) -> Value: ...


@dataclass(frozen=True)
class Argument:
    """An argument of one evaluated call: the expression as the caller wrote it, resolved
    in the caller's module and with the caller's scope when it is needed."""

    module: Resolver
    node: ast.expr
    scope: Scope

    def value(self) -> Value:
        return self.module.resolve(self.node, self.scope.deeper())


@dataclass(frozen=True)
class Frame:
    """The arguments of one evaluation of a function: parameter name -> what was passed
    (an `Argument`, a resolved `Value`, or an object such as the instance behind `self`)."""

    arguments: Mapping[str, object]


@dataclass(frozen=True)
class Scope:
    """Local names bound while resolving (comprehension variables), and the frames of the
    project functions being evaluated (keyed by the id of their definition)."""

    names: Mapping[str, Value]
    depth: int = 0
    frames: Mapping[int, Frame] | None = None

    def __init__(
        self, names: Mapping[str, Value], depth: int = 0, frames: Mapping[int, Frame] | None = None
    ) -> None:
        # one per resolution step: the generated frozen __init__ looks object.__setattr__
        # up again for every field; this one (_set) does not
        _set(self, "names", names)
        _set(self, "depth", depth)
        _set(self, "frames", frames)

    def deeper(self) -> Scope:
        return Scope(self.names, self.depth + 1, self.frames)

    def frame(self, function: ast.AST) -> Frame | None:
        return self.frames.get(id(function)) if self.frames else None

    def entering(self, function: ast.AST, frame: Frame) -> Scope:
        """The scope a call's body is evaluated in: no comprehension variables of the
        caller, the callee's arguments, one step deeper."""
        return Scope({}, self.depth + 1, {**(self.frames or {}), id(function): frame})


EMPTY_SCOPE = Scope({})
