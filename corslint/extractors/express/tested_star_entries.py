"""A `"*"` entry of an origin allow-list that the code tests for itself (census 11 C2,
ARTHURVANBELLE/SolidWebApp src/utils/cors.ts: `if (origin && allowed.includes(origin)) ...
else if (allowed.includes("*") && !opts.credentials) headers.set(ACAO, "*")`). The Origin
test `allowed.includes(origin)` never matches it (no browser sends `Origin: *`), but the
entry is not dead: the branch under `allowed.includes("*")` writes `*` for every other
origin, and that branch is read as the condition it is. So the entry is no member of the
allow-list the Origin is compared with (no CORS301 "admits nothing"), and the list's other
entries are judged as before.

Read only where the same list (the same literal entry, by location) is the receiver of
`.includes("*")` or `.indexOf("*")` somewhere in the module, and where an entry other than
`"*"` remains."""

from __future__ import annotations

import dataclasses

from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import string_value, unwrap
from corslint.model import FunctionValue, Location, Value

_STAR_TESTS = frozenset({"includes", "indexOf"})


def without_tested_star(module: JsModule, guard: Value) -> Value:
    """`guard` without the `"*"` entries the module tests for itself."""
    raw = guard.raw
    if not isinstance(raw, FunctionValue) or raw.kind != "allow-list":
        return guard
    stars = {item.location for item in raw.allowed if item.known and item.raw == "*"}
    if (
        not stars
        or len(stars) == len(raw.allowed)
        or (b'"*"' not in module.source and b"'*'" not in module.source)
    ):
        return guard
    tested = _tested_stars(module, stars)
    if not tested:
        return guard
    kept = tuple(
        item for item in raw.allowed if not (item.known and item.raw == "*" and item.location in tested)
    )
    return dataclasses.replace(guard, raw=dataclasses.replace(raw, allowed=kept))


def _tested_stars(module: JsModule, stars: set[Location]) -> set[Location]:
    found: set[Location] = set()
    for call in module.of_kind("call_expression"):
        function = call.child_by_field_name("function")
        arguments = call.child_by_field_name("arguments")
        if function is None or function.type != "member_expression" or arguments is None:
            continue
        prop = function.child_by_field_name("property")
        if prop is None or module.text(prop) not in _STAR_TESTS:
            continue
        given = [a for a in arguments.named_children if a.type != "comment"]
        if len(given) != 1 or string_value(unwrap(given[0])) != "*":
            continue
        receiver = function.child_by_field_name("object")
        value = module.resolve(receiver) if receiver is not None else None
        if value is None or not value.known or not isinstance(value.raw, tuple):
            continue
        found |= {item.location for item in value.raw if isinstance(item, Value) and item.location in stars}
    return found
