"""Hand-written allow-lists that test the Origin's host rather than the Origin: the scheme
and port are cut off first, `const host = (origin.split("/").slice(-1)[0] || "").split(":")[0]`,
and the host is then tested (`hostRules.find((rule) =>
rule(host))` over `h => h.endsWith(".campus.example")`: 0xh/herald-webservice-ts
`src/middleware/cors.ts`). Each host test admits that host under any scheme and port, so it
is carried into the guard as the origin pattern it really is."""

from __future__ import annotations

import re
from collections.abc import Callable

from corslint.extractors.express.origin_membership import membership
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap, walk
from corslint.model import FunctionValue, Regex, Value

_SCHEME = "[a-z][a-z0-9+.-]*://"
_PORT = "(:[0-9]+)?$"
_HOST_CHARS = "[^/:]*"
_READERS = frozenset({"identifier", "member_expression", "subscript_expression", "call_expression"})
# `(...|| "")` around a step: an empty fallback changes no test of a real Origin
_EMPTY_FALLBACK = re.compile(r"^\((.*)\|\|(''|\"\")\)$|^(.*)\|\|(''|\"\")$")


def host_condition(
    module: JsModule, node: Node, reads_origin: Callable[[Node], bool]
) -> tuple[str, Value | None] | None:
    """("ORIGIN", None) for a test that a host cut from the Origin is there, ("ALLOWED",
    guard) for an allow-list test of that host, with the guard written over origins; None
    when `node` tests no such host, or tests it in a way not read here."""
    names = {
        module.text(child)
        for child in walk(node)
        if child.type == "identifier" and _host_of_origin(module, module.text(child), reads_origin)
    }
    if len(names) != 1:
        return None
    name = names.pop()
    if module.text(unwrap(node)) == name:
        return "ORIGIN", None
    found = membership(module, _without_presence_test(module, unwrap(node), name), name, True)
    if found is None or found[1] or not found[0]:
        return None
    entries = [_as_origin_entry(entry) for entry in found[0]]
    if any(entry is None for entry in entries):
        return None
    allowed = tuple(entry for entry in entries if entry is not None)
    return "ALLOWED", Value(FunctionValue("allow-list", allowed), module.location(node))


def _without_presence_test(module: JsModule, node: Node, name: str) -> Node:
    """`host && test(host)` -> `test(host)`: an empty host passes no test read here (and
    whether the host is there is not for the resolver to decide from the Origin's default)."""
    if node.type == "binary_expression" and module.text(node.child_by_field_name("operator")) == "&&":
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is not None and right is not None and module.text(unwrap(left)) == name:
            return right
    return node


def _host_of_origin(module: JsModule, name: str, reads_origin: Callable[[Node], bool]) -> bool:
    """Whether `name` holds the Origin's host, without scheme and port."""
    bound = module.binding(name)
    if bound is None:
        return False
    text = _without_fallback(module.text(unwrap(bound)).replace(" ", "").replace('"', "'"))
    if not text.endswith(".split(':')[0]"):
        return False
    host_and_port = _without_fallback(text[: -len(".split(':')[0]")])
    for cut in (".split('/').slice(-1)[0]", ".split('/')[2]", ".split('//')[1]"):
        if host_and_port.endswith(cut):
            origin = host_and_port[: -len(cut)]
            return any(
                module.text(child).replace(" ", "") == origin and reads_origin(child)
                for child in walk(bound)
                if child.type in _READERS
            )
    return False


def _without_fallback(text: str) -> str:
    while (found := _EMPTY_FALLBACK.match(text)) is not None:
        text = found.group(1) if found.group(1) is not None else found.group(3)
    return text


def _as_origin_entry(entry: Value) -> Value | None:
    """A host entry as the origin pattern it admits: any scheme, any port."""
    if not entry.known:
        return None
    raw = entry.raw
    if isinstance(raw, str):
        return Value(Regex(f"^{_SCHEME}{_escaped(raw)}{_PORT}"), entry.location)
    if not isinstance(raw, Regex) or "|" in raw.pattern or raw.flags not in {"", "i"}:
        return None
    pattern = raw.pattern
    start = pattern[1:] if pattern.startswith("^") else f"{_HOST_CHARS}{pattern}"
    body = start[:-1] if start.endswith("$") and not start.endswith("\\$") else f"{start}{_HOST_CHARS}"
    return Value(Regex(f"^{_SCHEME}{body}{_PORT}", raw.flags), entry.location)


def _escaped(text: str) -> str:
    return "".join(f"\\{char}" if char in "\\^$.|?*+()[]{}/" else char for char in text)
