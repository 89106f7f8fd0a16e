"""SvelteKit server hooks (`src/hooks.server.ts|js`): `export const handle = async ({ event,
resolve }) => {...}`, alone or chained with `sequence(a, b)` from `@sveltejs/kit/hooks`.
SvelteKit calls `handle` for every request the server answers (pages and `+server.ts`
endpoints alike), so the headers it sets on `await resolve(event)`'s Response, and the
Response it returns itself for OPTIONS, are the app's CORS policy (rohanbabuam/madmods,
Juancho0056/Flash, Injng/allegro `src/hooks.server.ts`).

`resolve(event)` is the route's own answer: a page answers OPTIONS with 204 and an `Allow`
header, a `+server.ts` endpoint without an `OPTIONS` export with 405 (measured with
@sveltejs/kit in tests/node), so an OPTIONS the hook passes on is left to the route."""

from __future__ import annotations

from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap

SVELTEKIT_HOOK = "sveltekit_hook_headers"  # the framework of a hook's policy


def _event_pattern(module: JsModule, function: Node) -> dict[str, str]:
    """The names a handle's `{ event, resolve }` parameter binds, by property (`{ event:
    e, resolve }` binds `e` and `resolve`); empty for any other function."""
    parameters = function.child_by_field_name("parameters")
    if parameters is None or len(parameters.named_children) != 1:
        return {}
    target = parameters.named_children[0]
    if target.type in {"required_parameter", "optional_parameter"}:
        target = target.child_by_field_name("pattern") or target
    if target.type != "object_pattern":
        return {}
    bound: dict[str, str] = {}
    for child in target.named_children:
        if child.type == "shorthand_property_identifier_pattern":
            bound[module.text(child)] = module.text(child)
        elif child.type == "pair_pattern":
            key, value = child.child_by_field_name("key"), child.child_by_field_name("value")
            if key is not None and value is not None and value.type == "identifier":
                bound[module.text(key)] = module.text(value)
    return bound if {"event", "resolve"} <= bound.keys() else {}


def is_handle(module: JsModule, function: Node) -> bool:
    """A SvelteKit `handle` hook (or a handle `sequence` chains): `({ event, resolve })`."""
    return bool(_event_pattern(module, function))


def event_name(module: JsModule, function: Node) -> str:
    """The name a handle binds the request event to ("" for any other function)."""
    return _event_pattern(module, function).get("event", "")


def resolve_call(module: JsModule, function: Node, call: Node) -> bool:
    """`resolve(event)` (with or without options) in a handle: the route's own Response,
    on which the hook sets its headers before returning it."""
    resolve = _event_pattern(module, function).get("resolve")
    callee = call.child_by_field_name("function")
    return resolve is not None and callee is not None and module.text(unwrap(callee)) == resolve


_ROUTE_TEST_TYPES = frozenset({"call_expression", "binary_expression", "unary_expression"})
_REQUEST_WORDS = ("headers", "method", "origin", "cookies")


def route_test(module: JsModule, requests: tuple[str, ...], node: Node) -> bool:
    """A hook's test of the path alone (`event.url.pathname.startsWith('/api/')`,
    `isApi(event.url.pathname)`): it picks the routes the headers are for, and the policy is
    those routes' (Juancho0056/Flash-like hooks; code corpus `isApiRoute(pathname)`)."""
    if "event" not in requests or "event.request" not in requests:
        return False
    node = unwrap(node)
    text = module.text(node).replace(" ", "")
    lowered = text.lower()
    return (
        node.type in _ROUTE_TEST_TYPES
        and "event.url.pathname" in text
        and not any(word in lowered for word in _REQUEST_WORDS)
    )
