"""A local list, set or dict changed in place before it is written as a header:

    allowed = {"Content-Type", "Authorization"}
    if extra := route_headers.get("request"):
        allowed.update(extra)
    headers["Access-Control-Allow-Headers"] = ", ".join(allowed)

(nextgis/nextgisweb, nextgisweb/pyramid/api_cors.py). What `append`, `add`, `extend`
and `update` add is added to the local's value; any other change in place, or an
addition not known, leaves the value unknown rather than the one before the change."""

from __future__ import annotations

import ast

from corslint.extractors.python_headers.frame import Alternative, Frame, conjoin, negate
from corslint.extractors.python_headers.request_reads import read_of
from corslint.extractors.python_headers.responses import is_headers
from corslint.model import Value

ADDING = frozenset({"append", "add", "extend", "update"})
CHANGING = frozenset(
    {"insert", "remove", "discard", "pop", "popitem", "clear", "setdefault", "sort", "reverse"}
)


def changed_local(
    frame: Frame, call: ast.Call, when: tuple[str, ...]
) -> tuple[str, list[Alternative]] | None:
    """(the local, its values after the call, made under `when`) for a call that changes a
    local in place."""
    func = call.func
    if not (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id in frame.values
        and func.attr in ADDING | CHANGING
        and not frame.bags.get(func.value.id)  # (an empty one: a set or list of names)
        and not (func.value.id in frame.bags and len(call.args) == 2)  # a multidict's `add(name, value)`
        and not frame.is_response(func.value)
        and not is_headers(frame, func.value)
    ):
        return None
    if call.args and read_of(frame, call.args[0]) is not None:
        # `if app.debug: allowed.add(origin)` (exhuma/powonline): the asking origin added
        # to the allow-list on a development branch; the list is judged as configured
        return None
    name = func.value.id
    unknown = frame.module.unknown(call)
    simple = func.attr in ADDING and len(call.args) == 1 and not call.keywords
    added = frame.resolve(call.args[0]) if simple else unknown
    relative = frame.relative(when)
    joined = conjoin(list(relative)) or "?"
    after: list[Alternative] = []
    for alternative in frame.values[name]:
        before = alternative.value
        value = _added(before, added, func.attr) if simple and isinstance(before, Value) else None
        changed = Alternative(alternative.when, value if value is not None else unknown)
        if set(relative) <= set(alternative.when):  # changed where it was bound
            after.append(changed)
        else:
            after.append(Alternative((*alternative.when, *relative), changed.value))
            after.append(Alternative((*alternative.when, negate(joined)), before))
    return name, after


def _added(before: Value, added: Value, method: str) -> Value | None:
    if not (before.known and added.known):
        return None
    if isinstance(before.raw, dict):
        if method != "update" or not isinstance(added.raw, dict):
            return None
        return Value({**before.raw, **added.raw}, before.location, before.provenance, before.env_var)
    if not isinstance(before.raw, tuple):
        return None
    if method in {"append", "add"}:
        items = (added,)
    elif isinstance(added.raw, tuple):
        items = added.raw
    else:
        return None
    merged = [*before.raw, *items]
    if method in {"add", "update"}:  # a set: each item once
        seen: dict[object, Value] = {}
        for item in merged:
            if not item.known:
                return None
            seen.setdefault(item.raw, item)
        merged = list(seen.values())
    return Value(tuple(merged), before.location, before.provenance, before.env_var)
