"""Tests corslint cannot decide that only choose how a request ends, after every CORS
header was written: `if (!problems.isEmpty()) return res.status(422).json(...)` in a POST
route (Akhashcs/VictoryBackend `routes/auth.js`), `if (!user) return ctx.throw(401)` in a
Koa middleware. The status of an answer that is no preflight is no CORS matter, so such a
test leaves the headers known (`frameworks.express_headers.replay` checks that every end
it may choose carries the same headers); it still decides a preflight's fate where an
OPTIONS request can reach one of those ends."""

from __future__ import annotations

from collections.abc import Mapping

from corslint.model import Value


def decides_only_answers(steps: Mapping[str, Value]) -> bool:
    """Whether every step under an undecided test (`?`) is an answer that no OPTIONS
    request reaches."""
    undecided = [(name, step) for name, step in steps.items() if "?" in _when(step)]
    return bool(undecided) and all(
        name.split(" #", 1)[0] == "end" and not _reaches_options(_when(step)) for name, step in undecided
    )


def _when(step: Value) -> tuple[str, ...]:
    if not (step.known and isinstance(step.raw, dict)):
        return ()
    when = step.raw.get("when")
    if not isinstance(when, Value) or not when.known:
        return ()
    return tuple(item.raw for item in when.raw if isinstance(item.raw, str))


def _reaches_options(when: tuple[str, ...]) -> bool:
    for condition in when:
        if condition in {"!OPTIONS", "!METHOD:OPTIONS"}:
            return False
        if condition.startswith("METHOD:") and "OPTIONS" not in condition[len("METHOD:") :].split(","):
            return False
    return True
