"""Array and string methods the JS resolver folds on known values: `split`, `trim`,
`toLowerCase`, `map(s => s.trim())`, `filter(Boolean)`, `concat`, `includes`/`has`/
`indexOf` (on lists and strings), `startsWith`/`endsWith` and `join`. Any other method,
or an unknown receiver or argument, is unknown."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from corslint.extractors.js.conversions import js_text, merged, string_callback, truthy, weaker
from corslint.extractors.js.origin_normalisers import keeps_truthy, normalised, normaliser_steps
from corslint.extractors.js.syntax import Node
from corslint.model import Location, Value


class Resolver(Protocol):
    """What folding a method needs of the module (a `JsModule`)."""

    def resolve(self, node: Node, depth: int = 0) -> Value: ...

    def unknown(self, node: Node, env_var: str | None = None) -> Value: ...

    def text(self, node: Node) -> str: ...


def method_result(
    module: Resolver,
    receiver: Value,
    method: str,
    arguments: list[Node],
    node: Node,
    location: Location,
    depth: int,
) -> Value:
    raw = receiver.raw
    if method == "split" and isinstance(raw, str) and arguments:
        separator = module.resolve(arguments[0], depth)
        if separator.known and isinstance(separator.raw, str) and separator.raw:
            items = tuple(
                Value(part, receiver.location, receiver.provenance, receiver.env_var)
                for part in raw.split(separator.raw)
            )
            return Value(items, location, merged(receiver.provenance), receiver.env_var, receiver.description)
    if method in {"trim", "toLowerCase", "toUpperCase"} and isinstance(raw, str):
        changed = {"trim": raw.strip(), "toLowerCase": raw.lower(), "toUpperCase": raw.upper()}[method]
        return Value(changed, location, merged(receiver.provenance), receiver.env_var)
    if method == "toString" and not arguments and type(raw) in {int, float, str}:
        # `CORS_CONFIG.maxAge.toString()` for a header value (ButaiAI/line `api/utils/cors.js`)
        return Value(js_text(raw), location, merged(receiver.provenance), receiver.env_var)
    if method == "map" and isinstance(raw, tuple) and arguments:
        operation = string_callback(module, arguments[0])
        if operation is not None and all(item.known and isinstance(item.raw, str) for item in raw):
            mapped = tuple(
                Value(
                    {"trim": item.raw.strip(), "toLowerCase": item.raw.lower()}[operation],
                    item.location,
                    item.provenance,
                    item.env_var,
                )
                for item in raw
            )
            return Value(
                mapped, location, merged(receiver.provenance), receiver.env_var, receiver.description
            )
    if method == "map" and isinstance(raw, tuple) and len(arguments) == 1:
        steps = normaliser_steps(module, arguments[0])  # `.map(normalizeOrigin)`
        if steps is not None and all(item.known and isinstance(item.raw, str) for item in raw):
            tidied = tuple(
                Value(normalised(steps, item.raw), item.location, item.provenance, item.env_var)
                for item in raw
            )
            return Value(
                tidied, location, merged(receiver.provenance), receiver.env_var, receiver.description
            )
    if (
        method == "filter"
        and isinstance(raw, tuple)
        and arguments
        and (module.text(arguments[0]) == "Boolean" or keeps_truthy(module, arguments[0]))
    ):
        kept = tuple(item for item in raw if not item.known or truthy(item.raw))
        return Value(kept, location, merged(receiver.provenance), receiver.env_var, receiver.description)
    if method == "concat" and isinstance(raw, tuple):
        combined: list[Value] = list(raw)
        for argument in arguments:
            value = module.resolve(argument, depth)
            if not value.known:
                return module.unknown(node, value.env_var)
            combined.extend(value.raw if isinstance(value.raw, tuple) else (value,))
        return Value(tuple(combined), location, merged(receiver.provenance), receiver.env_var)
    if method in {"includes", "has", "indexOf"} and isinstance(raw, tuple) and len(arguments) == 1:
        sought = module.resolve(arguments[0], depth)
        if sought.known and all(item.known for item in raw):
            listed = [item.raw for item in raw]
            provenance = merged(weaker(receiver.provenance, sought.provenance))
            if method == "indexOf":
                index = listed.index(sought.raw) if sought.raw in listed else -1
                return Value(index, location, provenance, receiver.env_var)
            return Value(sought.raw in listed, location, provenance, receiver.env_var)
    if method in _STRING_TESTS and isinstance(raw, str) and len(arguments) == 1:
        # `corsOrigin.includes(',')` over `process.env.CORS_ORIGIN || '*'` (Alik20021223/vet-lab
        # backend/src/plugins/cors.js): decided on the default, as its other reads are
        sought = module.resolve(arguments[0], depth)
        if sought.known and isinstance(sought.raw, str):
            provenance = merged(weaker(receiver.provenance, sought.provenance))
            return Value(_STRING_TESTS[method](raw, sought.raw), location, provenance, receiver.env_var)
    if method == "join" and isinstance(raw, tuple) and all(item.known for item in raw):
        separator = module.resolve(arguments[0], depth) if arguments else Value(",", location)
        if separator.known and isinstance(separator.raw, str):
            return Value(
                separator.raw.join(js_text(item.raw) for item in raw),
                location,
                merged(receiver.provenance),
                receiver.env_var,
            )
    return module.unknown(node, receiver.env_var)


_STRING_TESTS: dict[str, Callable[[str, str], bool | int]] = {
    "includes": lambda text, part: part in text,
    "startsWith": lambda text, part: text.startswith(part),
    "endsWith": lambda text, part: text.endswith(part),
    "indexOf": lambda text, part: text.find(part),
}
