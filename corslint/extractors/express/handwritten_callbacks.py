"""Header writes inside a callback the handler hands to another call: a database or file
read that answers when it is done (`Revision.getNoteRevisions(note, function (err, data) {
res.set({...}); res.send(data) })`, hackmdio/codimd `lib/note/noteActions.js`), or a
promise's `.then((row) => { res.header(...); res.json(row) })`. The callback runs after
the call, and its writes are the ones the answer carries; it is read where the call
stands. Only a callback that writes a header on the handler's own response is followed,
and none that takes a parameter of the response's name (an HTTP client's `res`)."""

from __future__ import annotations

from collections.abc import Collection

from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap, walk

_FUNCTIONS = frozenset({"arrow_function", "function_expression", "function"})
_WRITERS = frozenset({"set", "header", "setHeader", "append", "writeHead"})


def answering_callback(module: JsModule, call: Node, responses: Collection[str]) -> Node | None:
    """The body of the first callback in `call`'s chain (`a(x, cb)`, `p.then(cb).catch(...)`)
    that writes a header on one of `responses`; None when there is none."""
    chain: list[Node] = []
    node = unwrap(call)
    while node.type == "call_expression":
        chain.append(node)
        function = unwrap(node.child_by_field_name("function"))
        if function.type != "member_expression":
            break
        node = unwrap(function.child_by_field_name("object"))
    for link in reversed(chain):  # innermost first: the order the callbacks are handed over
        arguments = link.child_by_field_name("arguments")
        for argument in arguments.named_children if arguments is not None else ():
            argument = unwrap(argument)
            if argument.type in _FUNCTIONS and _writes_headers(module, argument, responses):
                body = argument.child_by_field_name("body")
                return body if body is not None and body.type == "statement_block" else None
    return None


def _writes_headers(module: JsModule, function: Node, responses: Collection[str]) -> bool:
    names = {response for response in responses if response}
    parameters = function.child_by_field_name("parameters") or function.child_by_field_name("parameter")
    if parameters is not None and any(
        module.text(node) in names for node in walk(parameters) if node.type == "identifier"
    ):
        return False  # the callback's own `res` is another response
    for node in walk(function):
        if node.type != "call_expression":
            continue
        callee = unwrap(node.child_by_field_name("function"))
        if callee.type != "member_expression":
            continue
        holder = module.text(callee.child_by_field_name("object"))
        method = module.text(callee.child_by_field_name("property"))
        if holder in names and method in _WRITERS:
            return True
    return False
