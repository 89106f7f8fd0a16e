"""The state the hand-written CORS interpreter (`handwritten_steps`) builds for one handler:
its header-writing and answering steps in order, and what the tests it met decided."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from corslint.extractors.express.handler_roles import HandlerRoles
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node
from corslint.model import Location, Value


@dataclass
class Steps:
    """The header-setting steps of one hand-written CORS handler, in order."""

    module: JsModule
    roles: HandlerRoles
    steps: dict[str, Value] = field(default_factory=dict)
    guard: Value | None = None
    # further allow-lists an `else if` chain tests (`ALLOWED#2`, ...): each arm admits its own
    more_guards: list[Value] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)  # local name -> request input
    condition: Value | None = None  # the first undecidable `if` test a step depends on
    undecided: Value | None = None  # the first undecidable `if` test met
    status: list[tuple[tuple[str, ...], Value]] = field(default_factory=list)  # statusCode set so far
    derived: set[str] = field(default_factory=set)  # locals computed from the Origin or method
    unrelated: int = 0  # inside tests that do not depend on who asks: answers are not followed
    path_scoped: bool = False  # a test of the path beside a decided one was taken as met
    scoped_path: str | None = None  # the path that test compares with, where it is a literal
    unset: str | None = None  # the variable whose absence decided a test (`unset_tests`)
    # reads a call the interpreter does not (a helper in another module handed the response);
    # True when it did. Given by the caller, which may import what this module cannot.
    call_hook: Callable[[Steps, Node, tuple[str, ...]], bool] | None = None
    passed: dict[str, Value] = field(default_factory=dict)  # a helper's parameter -> the caller's value
    read_records: set[int] = field(default_factory=set)  # records a helper builds, read where declared
    # a `let` chosen per arm (`chosen_lets`), fixed to one arm's value while `if (name)` is read
    chosen: dict[str, Node | None] = field(default_factory=dict)

    def add(self, header: str, value: Value, location: Location) -> None:
        if self.condition is None and self.undecided is not None and "?" in _conditions(value):
            self.condition = self.undecided
        name = header
        number = 2
        while name in self.steps:
            name = f"{header} #{number}"
            number += 1
        self.steps[name] = Value(value.raw, location) if value.known else value


def further_guards(state: Steps) -> dict[str, Value]:
    """The options `guard #2`, `guard #3`... that the atoms `ALLOWED#2`... test."""
    return {f"guard #{number}": guard for number, guard in enumerate(state.more_guards, start=2)}


def _conditions(step: Value) -> tuple[str, ...]:
    when = step.raw.get("when") if step.known and isinstance(step.raw, dict) else None
    return tuple(item.raw for item in when.raw) if isinstance(when, Value) else ()
