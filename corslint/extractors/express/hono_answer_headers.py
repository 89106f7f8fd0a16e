"""Headers handed to a Hono answer as its third argument, `c.json(body, 200, {...corsHeaders,
'Content-Type': 'application/json'})` (0xakash9/lexical-ai-worker `src/index.ts`): Hono's
`c.newResponse` sets each of them on the response, as `c.header` would; and a headers
object spread into another (`{ ...corsHeaders }`) brings its own entries along."""

from __future__ import annotations

from collections.abc import Sequence

from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, string_value, unwrap

_HONO_ANSWERS_WITH_HEADERS = frozenset({"body", "text", "json", "html", "newResponse"})
_MAX_SPREAD_HOPS = 3


def hono_headers_argument(hono: bool, method: str, arguments: Sequence[Node]) -> bool:
    """Whether `c.<method>(...)` hands a headers record as its third argument."""
    return hono and method in _HONO_ANSWERS_WITH_HEADERS and len(arguments) >= 3


def spread_object(module: JsModule, element: Node) -> Node | None:
    """The object literal a `...name` element of a headers object spreads, when `name` is
    bound once to one (a module constant or a local); None otherwise."""
    if element.type != "spread_element" or not element.named_children:
        return None
    return bound_object(module, element.named_children[0])


def bound_object(module: JsModule, node: Node) -> Node | None:
    """The object literal `node` is, or names through names bound once."""
    node = unwrap(node)
    for _ in range(_MAX_SPREAD_HOPS):
        if node.type == "object":
            return node
        if node.type != "identifier":
            return None
        bound = module.binding(module.text(node))
        if bound is None:
            return None
        node = unwrap(bound)
    return node if node.type == "object" else None


def spread_header_records(module: JsModule) -> list[Node]:
    """`...corsHeaders` inside a handler (or `corsHeaders` handed to `c.json(body, 200,
    corsHeaders)`), with `corsHeaders` an object of CORS headers written elsewhere in the
    module: the handler spells no header name itself."""
    found: list[Node] = []
    for node in module.of_kind("identifier"):
        parent = node.parent
        if parent is None or not (parent.type == "spread_element" or _third_answer_argument(module, node)):
            continue
        spread = bound_object(module, node)
        if spread is not None and any(
            pair.type == "pair"
            and (key := pair.child_by_field_name("key")) is not None
            and (string_value(key) or module.text(key)).lower().startswith("access-control-")
            for pair in spread.named_children
        ):
            found.append(node)
    return found


def _third_answer_argument(module: JsModule, node: Node) -> bool:
    arguments = node.parent
    call = arguments.parent if arguments is not None and arguments.type == "arguments" else None
    if call is None or call.type != "call_expression":
        return False
    callee = unwrap(call.child_by_field_name("function"))
    named = [c for c in arguments.named_children if c.type != "comment"]
    return (
        callee.type == "member_expression"
        and module.text(callee.child_by_field_name("property")) in _HONO_ANSWERS_WITH_HEADERS
        and len(named) >= 3
        and named[2] == node
    )


def arrow_answer(module: JsModule, call: Node) -> bool:
    """Whether `call` is the expression body of an arrow handler whose headers argument
    is a headers record: `(c) => c.json(data, 200, corsHeaders)`."""
    parent = call.parent
    while parent is not None and parent.type == "parenthesized_expression":
        parent = parent.parent
    if parent is None or parent.type != "arrow_function":
        return False
    callee = unwrap(call.child_by_field_name("function"))
    named = [c for c in call.child_by_field_name("arguments").named_children if c.type != "comment"]
    return (
        callee.type == "member_expression"
        and module.text(callee.child_by_field_name("property")) in _HONO_ANSWERS_WITH_HEADERS
        and len(named) >= 3
    )
