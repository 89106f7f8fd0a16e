"""`Object.assign({}, defaults, options)`: the objects merged left to right, when every one
is known (an Egg middleware merging its defaults over the `{}` Egg hands it, SWEEP13 M3:
FanYH-tql/take-out-egg `app/middleware/cors.ts`); unknown otherwise. Only an object
literal (or nothing named) as the target: `Object.assign(module.exports, ...)` and
`Object.assign(this.x, ...)` are other readers' concern."""

from __future__ import annotations

from typing import Any

from corslint.extractors.js.syntax import Node, unwrap
from corslint.model import Location, Value


def assigned_object(
    module: Any, callee: str, arguments: list[Node], location: Location, depth: int
) -> Value | None:
    """The merged object, None where the call is no such merge or a part is not known."""
    if callee.replace(" ", "") != "Object.assign" or len(arguments) < 2:
        return None
    if unwrap(arguments[0]).type != "object" or any(unwrap(a).type == "spread_element" for a in arguments):
        return None
    merged: dict[Any, Value] = {}
    for argument in arguments:
        value = module.resolve(argument, depth)
        if not (value.known and isinstance(value.raw, dict)) or "**" in value.raw:
            return None
        merged.update(value.raw)
    return Value(merged, location)
