"""A same-module response helper that every handler calls with a literal status:
`sendJson(res, 200, data)` with `function sendJson(res, status, data) { res.writeHead(status,
{ ..., 'Access-Control-Allow-Origin': '*' }); res.end(...) }` (census 6 sample 274, a plain
`http.createServer` app). Read on its own its status is unknown and its headers are judged
for no request; read at each call (`imported_response_helpers`), the status is the caller's."""

from __future__ import annotations

import re
from collections.abc import Callable

from corslint.extractors.js.method_calls import call_arguments
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap

_STATUS_USE = r"\.(?:writeHead|status|sendStatus)\(\s*{name}\s*[,)]|\.statusCode\s*=\s*{name}\b"


def local_status_calls(
    module: JsModule, function: Node, calls: list[Node], handed: Callable[[JsModule, Node], bool]
) -> bool:
    """Whether `function` answers with a status parameter, and each of its `calls` (all in
    handlers, `handed`) passes a number literal for it."""
    parameters = _parameters(module, function)
    text = module.text(function)
    positions = [
        index
        for index, name in enumerate(parameters)
        if name.isidentifier() and re.search(_STATUS_USE.format(name=re.escape(name)), text)
    ]
    if len(positions) != 1 or not calls:
        return False
    position = positions[0]
    for call in calls:
        if not handed(module, call):
            return False
        arguments = call_arguments(call)
        if position >= len(arguments) or unwrap(arguments[position]).type != "number":
            return False
    return True


def _parameters(module: JsModule, function: Node) -> list[str]:
    parameters = function.child_by_field_name("parameters")
    if parameters is None:
        return []
    names = []
    for parameter in parameters.named_children:
        target = parameter.child_by_field_name("pattern") or parameter
        names.append(module.text(target))
    return names
