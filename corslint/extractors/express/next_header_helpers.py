"""A Next.js middleware's headers built by a helper that fills a `Headers` object and
returns it: `const headers = setCorsHeaders()` with `function setCorsHeaders(headers =
new Headers()) { headers.set(NAME, VALUE); ...; return headers }` (derekvmcintire/
acs-next-api `app/_middleware/cors.ts`), or with a local `const headers = new Headers()`;
then `new Response(null, { headers })` / `NextResponse.next({ headers })`."""

from __future__ import annotations

from collections.abc import Callable

from corslint.extractors.express.response_headers import called_functions, returned_expressions
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap
from corslint.model import Value

SetCalls = Callable[[JsModule, str, Node], list[tuple[str, Value]]]


def helper_headers(module: JsModule, call: Node, set_calls: SetCalls) -> list[tuple[str, Value]] | None:
    """The headers the helper `call` names writes on the `Headers` object it returns
    (`set_calls` reads them, before its `return`), or None when it is not such a helper."""
    callee = call.child_by_field_name("function")
    found = called_functions(module, callee) if callee is not None else []
    if len(found) != 1:
        return None
    home, helper = found[0]
    returned = returned_expressions(home, helper)
    if len(returned) != 1 or returned[0].type != "identifier":
        return None
    holder = home.text(returned[0])
    if not _fresh_headers(home, helper, holder):
        return None
    return set_calls(home, holder, returned[0])


def _fresh_headers(module: JsModule, helper: Node, name: str) -> bool:
    """`name` is a `new Headers()` of the helper: a local, or a parameter whose default it is
    (the call passing no argument there is not checked: a passed object gets the same writes)."""
    parameters = helper.child_by_field_name("parameters")
    for parameter in parameters.named_children if parameters is not None else ():
        pattern = parameter.child_by_field_name("pattern") or parameter
        default = parameter.child_by_field_name("value")
        if pattern.type == "assignment_pattern":
            pattern, default = pattern.child_by_field_name("left"), pattern.child_by_field_name("right")
        if pattern is not None and module.text(pattern) == name:
            return default is not None and _is_new_headers(module, default)
    bound = module.binding(name)
    return bound is not None and _is_new_headers(module, bound)


def _is_new_headers(module: JsModule, node: Node) -> bool:
    node = unwrap(node)
    constructor = node.child_by_field_name("constructor") if node.type == "new_expression" else None
    return constructor is not None and module.text(constructor) == "Headers"
