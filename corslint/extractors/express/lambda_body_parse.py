"""A Lambda / Netlify function that parses its body before it tests for OPTIONS:
`const { email } = JSON.parse(event.body)` as its first statement, then `if
(event.httpMethod === "OPTIONS") return { statusCode: 200, headers }` (bilafish/
stripe-serverless `src/functions/create-customer.js`; the same opening line heads many
handlers, find_string `} = JSON.parse(event.body);`). A preflight has no body: the gateway
passes `null` (Netlify an empty string), so `JSON.parse` returns `null` and destructuring
it throws a TypeError (`""` throws a SyntaxError), and the function fails before its
OPTIONS answer: the platform answers with an error status and none of its headers.
Only a destructuring or a property read of the parsed body, outside any `try`, at the
function's top level, counts (`const data = JSON.parse(event.body)` alone survives `null`)."""

from __future__ import annotations

from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap
from corslint.model import Evidence

FUNCTION_ERROR_STATUS = 502  # API Gateway's answer to a function that throws (Netlify: 500)
_DECLARATIONS = frozenset({"lexical_declaration", "variable_declaration"})


def parse_throws_before(module: JsModule, function: Node, answer: Node) -> Node | None:
    """The `JSON.parse(event.body)` that throws for a body-less request before the
    top-level statement holding `answer` runs, or None."""
    parameters = function.child_by_field_name("parameters")
    first = parameters.named_children[0] if parameters is not None and parameters.named_children else None
    body = function.child_by_field_name("body")
    if first is None or body is None or body.type != "statement_block":
        return None
    event = module.text(first.child_by_field_name("pattern") or first)
    for statement in body.named_children:
        if statement.start_byte <= answer.start_byte < statement.end_byte:
            return None
        if statement.type not in _DECLARATIONS:
            continue
        for declarator in statement.named_children:
            name, value = declarator.child_by_field_name("name"), declarator.child_by_field_name("value")
            if name is None or value is None:
                continue
            parse = _body_parse(module, unwrap(value), event)
            if parse is not None and name.type in {"object_pattern", "array_pattern"}:
                return parse
            if parse is None and unwrap(value).type == "member_expression":
                inner = _body_parse(module, unwrap(unwrap(value).child_by_field_name("object")), event)
                if inner is not None:
                    return inner  # `const email = JSON.parse(event.body).email`
    return None


def _body_parse(module: JsModule, node: Node, event: str) -> Node | None:
    if node.type != "call_expression" or module.text(node.child_by_field_name("function")) != "JSON.parse":
        return None
    arguments = node.child_by_field_name("arguments")
    named = [child for child in arguments.named_children if child.type != "comment"] if arguments else []
    if len(named) != 1 or module.text(unwrap(named[0])).replace(" ", "") != f"{event}.body":
        return None
    return node


def body_parse_evidence(module: JsModule, parse: Node) -> Evidence:
    """`preflight-throws` evidence at the parse: CORS206 names it as the cause."""
    return Evidence(
        "preflight-throws",
        f"`{module.text(parse)}` throws for a preflight, which has no body, before OPTIONS is answered",
        module.location(parse),
    )
