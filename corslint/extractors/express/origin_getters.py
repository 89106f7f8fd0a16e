"""A same-file getter the Origin is read through: `const origin = getOrigin(request)` with
`function getOrigin(request) { return request.headers.get('origin') || request.headers.get(
'referer') || ''; }` (EtherealCarnivore/project-omnilyth `workers/poe-ninja-proxy.js`, a
Cloudflare Worker; census 6 P22). The call is the Origin read its returns all are, as if the
read were written in place (`request_inputs.request_source`)."""

from __future__ import annotations

from collections.abc import Callable

from corslint.extractors.express.handler_roles import HandlerRoles
from corslint.extractors.js.declared_values import FUNCTIONS, enclosing_function
from corslint.extractors.js.method_calls import call_arguments
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap

Reader = Callable[[JsModule, HandlerRoles, dict[str, str], Node], "str | None"]
_following: set[tuple[str, int]] = set()  # getters being read: a recursive one reads as unknown


def getter_read(module: JsModule, roles: HandlerRoles, call: Node, read: Reader) -> str | None:
    """What `call` reads from the request, when it calls a top-level function of the module
    with the request as an argument and every return of that function is the same read of
    its parameter (`read` is `request_source`); None otherwise."""
    callee = unwrap(call.child_by_field_name("function"))
    if callee is None or callee.type != "identifier":
        return None
    arguments = call_arguments(call)
    passed = [i for i, argument in enumerate(arguments) if module.text(unwrap(argument)) in roles.requests]
    function = module.top_function(module.text(callee)) if passed else None
    if function is None or (key := (module.path, function.id)) in _following:
        return None
    names = _parameters(module, function)
    requests = tuple(names[i] for i in passed if i < len(names) and names[i])
    returns = _returned(module, function)
    if not requests or not returns:
        return None
    helper_roles = HandlerRoles(requests=requests, responses=(), next_name="")
    _following.add(key)
    try:
        found = {read(module, helper_roles, {}, returned) for returned in returns}
    finally:
        _following.discard(key)
    return found.pop() if len(found) == 1 else None


def _parameters(module: JsModule, function: Node) -> list[str]:
    node = function.child_by_field_name("parameters")
    names = []
    for parameter in node.named_children if node is not None else ():
        target = parameter
        if parameter.type in {"required_parameter", "optional_parameter"}:
            target = parameter.child_by_field_name("pattern") or parameter
        names.append(module.text(target) if target.type == "identifier" else "")
    return names


def _returned(module: JsModule, function: Node) -> list[Node]:
    body = function.child_by_field_name("body")
    if body is None:
        return []
    found = []
    for node in module.of_kind("return_statement"):
        if body.start_byte <= node.start_byte < body.end_byte and enclosing_function(node) == function:
            if not node.named_children:
                return []  # a bare `return`: undefined on that path
            found.append(unwrap(node.named_children[0]))
    return found if function.type in FUNCTIONS else []
