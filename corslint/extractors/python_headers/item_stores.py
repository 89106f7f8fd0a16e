"""A local dict changed by an item store (`data["caller_origin"] = request.headers.get("origin")`)
before it is read (`data.get("caller_origin") or "*"`).

A store of a known value under a known key is applied to the local's value; any other store
(a request read, a value known only under a condition, a computed key) leaves the local
unknown. Before, the store was dropped and the dict read as it was bound: a helper that puts
the request's Origin in a fresh `{}` and returns it (SWEEP13 M5's pattern, tyler46/nameko-http
nameko_http/server.py:14) read as a dict without that key, so `.get(key) or "*"` was taken
for a constant `*` (CORS105, and CORS201 beside credentials) where the code reflects every
Origin."""

from __future__ import annotations

import ast
from collections.abc import Callable

from corslint.extractors.python_headers.frame import Alternative, Frame
from corslint.model import Value


def store_item(
    frame: Frame,
    holder: ast.expr,
    key: ast.expr,
    value: ast.expr,
    values: Callable[[Frame, ast.expr], list[Alternative]],
) -> None:
    if not (isinstance(holder, ast.Name) and holder.id in frame.values):
        return
    bound = frame.values[holder.id]
    current = bound[0].value if len(bound) == 1 else None
    name = frame.resolve(key)
    stored = values(frame, value)
    item = stored[0].value if len(stored) == 1 and not stored[0].when else None
    if (
        isinstance(current, Value)
        and current.known
        and isinstance(current.raw, dict)
        and name.known
        and isinstance(name.raw, (str, int))
        and isinstance(item, Value)
        and item.known
    ):
        changed = Value(
            {**current.raw, name.raw: item}, current.location, current.provenance, current.env_var
        )
        frame.values[holder.id] = [Alternative(bound[0].when, changed)]
        return
    frame.values[holder.id] = [Alternative((), frame.module.unknown(holder))]
