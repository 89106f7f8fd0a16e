"""What a construction evaluates to, for the resolver (`module`): `new RegExp(pattern,
flags)` and `RegExp(...)` (a `Regex`; `new RegExp(/re/)` keeps the literal's flags unless
others are given), `new Set([...])` (its entries, as a list). Any other `new` is unknown."""

from __future__ import annotations

from typing import Protocol

from corslint.extractors.js.conversions import merged
from corslint.extractors.js.syntax import Node
from corslint.model import Location, Regex, Value


class Resolver(Protocol):
    """What a construction is read with (a `JsModule`)."""

    def resolve(self, node: Node, depth: int = 0) -> Value: ...

    def unknown(self, node: Node, env_var: str | None = None) -> Value: ...


def constructed_value(
    module: Resolver, node: Node, callee: str, arguments: list[Node], location: Location, depth: int
) -> Value:
    """The value of `node`, a `new` expression or a `RegExp(...)` call of `callee`."""
    if callee == "RegExp" and arguments:
        pattern = module.resolve(arguments[0], depth)
        flags = module.resolve(arguments[1], depth) if len(arguments) > 1 else Value("", location)
        if pattern.known and flags.known and isinstance(flags.raw, str):
            if isinstance(pattern.raw, Regex):
                return Value(
                    Regex(pattern.raw.pattern, flags.raw if len(arguments) > 1 else pattern.raw.flags),
                    location,
                    merged(pattern.provenance),
                )
            if isinstance(pattern.raw, str):
                return Value(
                    Regex(pattern.raw, flags.raw),
                    location,
                    merged(pattern.provenance),
                    pattern.env_var,
                )
        return module.unknown(node, pattern.env_var)
    if callee == "Set" and arguments:
        return module.resolve(arguments[0], depth)
    return module.unknown(node)
