"""A settings module's MIDDLEWARE list with the entries the module adds to it in place
after binding it: `MIDDLEWARE.append("extras.cors.OpenCors")`, `.insert(0, ...)`,
`.extend([...])` (SWEEP13 M7, mykhalko/Employee backend/employee/settings.py:52-53:
`if DEBUG: MIDDLEWARE.append('middleware.cors.AllowCORSMiddleware')`).

Read as the Django settings reader reads them: an `if` whose test is known takes its arm;
an undecidable DEBUG/development switch leaves its guarded arm to development (RULES.md's
development-only convention: the arm judged is the one production runs); any other change
that cannot be followed leaves the list unknown, which the hand-written middleware reading
takes as "listed" (as for a MIDDLEWARE it cannot read)."""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence

from corslint.extractors.python import PythonModule
from corslint.model import Provenance, Value

NAME = "MIDDLEWARE"
_ADDERS = frozenset({"append", "insert", "extend"})
_CHANGING = _ADDERS | {"remove", "pop", "clear", "sort", "reverse", "__setitem__", "__delitem__"}
_DEVELOPMENT_SWITCH = re.compile(
    r"(not\s+)?([A-Za-z_.]*\.)?(DEBUG|IS_DEBUG|DEVELOPMENT|IS_DEVELOPMENT|IS_LOCAL|LOCAL_DEV)"
)


def middleware_setting(settings: PythonModule) -> Value | None:
    """`MIDDLEWARE` as the module leaves it: its single binding's list with the in-place
    additions that follow it applied; the binding's value unchanged when nothing follows."""
    value = settings.resolve_name(NAME)
    bound = settings.binding(NAME)
    if value is None or bound is None or not value.known or not isinstance(value.raw, (tuple, list)):
        return value
    after = bound[0].lineno if isinstance(bound[0], (ast.expr, ast.stmt)) else 0
    statements = [s for s in settings.tree.body if s.lineno > after and _touches(s)]
    if not statements:
        return value
    entries: list[Value] = list(value.raw)
    for statement in statements:
        changed = _run(settings, statement, entries)
        if changed is None:
            at = settings.location(statement)
            return Value(
                None, at, Provenance.UNKNOWN, description=f"{NAME} changed by code corslint cannot follow"
            )
        entries = changed
    return Value(tuple(entries), value.location, value.provenance)


def _touches(statement: ast.stmt) -> bool:
    """Whether the statement may change the list in place (`MIDDLEWARE.index(...)` reads it)."""
    return any(
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == NAME
        and node.attr in _CHANGING
        for node in ast.walk(statement)
    )


def _run(settings: PythonModule, statement: ast.stmt, entries: list[Value]) -> list[Value] | None:
    if isinstance(statement, ast.If):
        return _run_if(settings, statement, entries)
    if not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)):
        return None
    call = statement.value
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr in _ADDERS and not call.keywords):
        return None
    added = [settings.resolve(arg) for arg in call.args]
    if not all(item.known for item in added):
        return None
    if func.attr == "append" and len(added) == 1:
        return [*entries, added[0]]
    if func.attr == "extend" and len(added) == 1 and isinstance(added[0].raw, (tuple, list)):
        return [*entries, *added[0].raw]
    if func.attr == "insert" and len(added) == 2 and isinstance(added[0].raw, int):
        index = added[0].raw
        return [*entries[:index], added[1], *entries[index:]]
    return None


def _run_if(settings: PythonModule, statement: ast.If, entries: list[Value]) -> list[Value] | None:
    test = settings.resolve(statement.test)
    condition = settings.source(statement.test).strip()
    arm: Sequence[ast.stmt]
    if test.known and isinstance(test.raw, (bool, int, str, type(None))):
        arm = statement.body if test.raw else statement.orelse
    elif _DEVELOPMENT_SWITCH.fullmatch(condition):
        arm = statement.orelse if not condition.startswith("not ") else statement.body
    else:
        return None
    for inner in arm:
        if not _touches(inner):
            continue
        found = _run(settings, inner, entries)
        if found is None:
            return None
        entries = found
    return entries
