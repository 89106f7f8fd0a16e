"""One test made of two allow-list tests joined by `or`: `origin in FRONTENDS or
re.fullmatch(PREVIEWS, origin)`, the shape of a hand-written Starlette layer that
re-applies its CORSMiddleware's own `allow_origins` and `allow_origin_regex` (sweep 12
X4: vineet-joshi91/caio-orchestrator main.py, an `@app.middleware("http")` keeping CORS
headers on crash answers). A layer has one guard (requests.py, `_guard`), so the second
list made the whole test undecidable (CORS305).

Read as one guard: the listed strings compared for equality and the patterns matched
the way the call matches them (the model's `guard_allows` compares a string entry for
equality under every regex match kind). Only an `or` whose every operand is such a test
alone is merged (a plain list, regex calls of one kind, each over the Origin); anything
else (a suffix or glob test, an `and`, another atom beside them) is left as it was."""

from __future__ import annotations

import ast
from collections.abc import Callable

from corslint.extractors.python_headers.frame import Frame, Steps
from corslint.model import FunctionValue, Regex, Value

_REGEX_KINDS = frozenset({"match", "search", "fullmatch"})
_PREFIX = "merged:"

Decide = Callable[[Frame, Steps, ast.expr], "bool | str | None"]


def merged_guard(frame: Frame, steps: Steps, test: ast.BoolOp, condition: Decide) -> str | None:
    """ "ALLOWED" when `test` is an `or` of allow-list tests read as one guard (recorded on
    `steps`), else None with `steps` as it was."""
    if not isinstance(test.op, ast.Or) or len(test.values) < 2:
        return None
    source = _PREFIX + frame.module.source(test)
    if steps.guard is not None:
        return "ALLOWED" if steps.guard_source == source else None
    kept = (steps.guard, steps.guard_match, steps.guard_source)
    entries: list[Value] = []
    kinds: set[str] = set()
    try:
        for operand in test.values:
            steps.guard, steps.guard_match, steps.guard_source = None, "equal", ""
            found = condition(frame, steps, operand)
            guard = _recorded(steps)  # (what `condition` recorded on `steps`)
            if found != "ALLOWED" or guard is None or not guard.known:
                return None
            listed = guard.raw.allowed if isinstance(guard.raw, FunctionValue) else None
            if listed is None or not listed or not all(item.known for item in listed):
                return None
            regex = steps.guard_match in _REGEX_KINDS
            if steps.guard_match != "equal" and not regex:
                return None
            if not all(isinstance(item.raw, Regex if regex else str) for item in listed):
                return None
            kinds.add(steps.guard_match)
            entries += listed
    finally:
        steps.guard, steps.guard_match, steps.guard_source = kept
    regex_kinds = kinds - {"equal"}
    if len(regex_kinds) > 1:
        return None
    steps.guard = Value(FunctionValue("allow-list", tuple(entries)), frame.module.location(test))
    steps.guard_match = next(iter(regex_kinds), "equal")
    steps.guard_source = source
    return "ALLOWED"


def _recorded(steps: Steps) -> Value | None:
    return steps.guard
