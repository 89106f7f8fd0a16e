"""firebase-functions' HTTPS functions (2nd gen): `onRequest({ cors: ... }, handler)` from
`firebase-functions/v2/https` (or `firebase-functions/https`, `https.onRequest` on
`firebase-functions/v2`). When the options hold `cors`, the function runs behind
`cors({ origin: opts.cors })`, a one-element array unwrapped to its entry first
(firebase-functions `src/v2/providers/https.ts`): the `cors` package's semantics with
that origin and its defaults for the rest. Seen in Aro-geo/focusmate-app
`functions/src/index.ts` (five functions with a list holding localhost), and `cors: true`
in many starter functions. Callable functions (`onCall`) speak their own protocol and are
not read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, string_value, unwrap
from corslint.model import Value

_SPECIFIERS = ("firebase-functions/v2/https", "firebase-functions/https")
_NAMESPACES = ("firebase-functions/v2", "firebase-functions")


@dataclass(frozen=True)
class FirebaseCors:
    """One `onRequest` call's `cors` setting, as the options it hands the cors package."""

    options: dict[str, Value]  # empty: no CORS layer (`cors: false`)
    where: Node  # the `cors` property's value
    name: str  # the exported function's name ("" when not known)
    active: bool


def is_on_request(module: JsModule, callee: str) -> bool:
    if callee == "onRequest":
        imported = module.imports.get(callee)
        return imported is not None and imported[0] in _SPECIFIERS
    root, _, rest = callee.partition(".")
    imported = module.imports.get(root)
    if imported is None:
        return False
    if imported[0] in _SPECIFIERS:
        return rest == "onRequest"
    return imported[0] in _NAMESPACES and rest in {"https.onRequest", "v2.https.onRequest"}


def firebase_cors(module: JsModule, call: Node, arguments: Sequence[Node]) -> FirebaseCors | None:
    """The `cors` setting of `onRequest(options, handler)`; None without one."""
    if len(arguments) < 2:
        return None
    options = unwrap(arguments[0])
    if options.type == "identifier":
        bound = module.binding(module.text(options))
        options = unwrap(bound) if bound is not None else options
    if options.type != "object":
        return None
    for child in options.named_children:
        if child.type == "pair":
            key = child.child_by_field_name("key")
            value_node = child.child_by_field_name("value")
            if key is None or value_node is None or (string_value(key) or module.text(key)) != "cors":
                continue
            return _setting(module, call, value_node)
        if child.type == "shorthand_property_identifier" and module.text(child) == "cors":
            return _setting(module, call, child)
    return None


def _setting(module: JsModule, call: Node, node: Node) -> FirebaseCors:
    value = module.resolve(node)
    name = _exported_name(module, call)
    if value.known and value.raw is False:
        return FirebaseCors({}, node, name, active=False)
    if value.known and isinstance(value.raw, tuple) and len(value.raw) == 1:
        value = value.raw[0]  # `[origin]`: handed on as the single origin
    return FirebaseCors({"origin": value}, node, name, active=True)


def _exported_name(module: JsModule, call: Node) -> str:
    """`export const api = onRequest(...)` / `exports.api = onRequest(...)` -> "api"."""
    parent = call.parent
    while parent is not None and parent.type in {"parenthesized_expression", "as_expression"}:
        parent = parent.parent
    if parent is None:
        return ""
    if parent.type == "variable_declarator":
        name = parent.child_by_field_name("name")
        return module.text(name) if name is not None else ""
    if parent.type == "assignment_expression":
        return module.text(parent.child_by_field_name("left")).rsplit(".", 1)[-1]
    return ""
