"""A local declared without a value and given the request's Origin later:

    let origin;
    try {
      origin = req.headers.origin;
    } catch (e) {
      origin = undefined;
    }
    if (allowlist.indexOf(origin) !== -1) res.setHeader("Access-Control-Allow-Origin", origin);

(Lightnet/httppouchdbserver `src/httpdatabaseserver.js`, census 8 row B1.) The hand-written
header interpreter walks a `try` block's body (its handler is the path of an error), so an
assignment there, or straight in the handler's body, binds the name like
`const origin = req.headers.origin` would. Only for a name declared in the same function
with no value (or `undefined` / `null`), and only for an assignment under no `if`, loop or
other branch between it and the declaration: any other assignment leaves the name unknown,
as before."""

from __future__ import annotations

from collections.abc import Callable

from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap

_FUNCTIONS = frozenset(
    {"arrow_function", "function_expression", "function", "function_declaration", "method_definition"}
)
# what may stand between the assignment and the function body that declares the name
_STRAIGHT = frozenset({"expression_statement", "statement_block", "try_statement", "assignment_expression"})

Source = Callable[[Node], "str | None"]


def late_assigned(module: JsModule, node: Node, source: Source) -> tuple[str, str | None] | None:
    """For `name = value` where `name` is such a local: (name, what the request supplies to
    it, or None for anything else); None where the rule does not apply."""
    left = unwrap(node.child_by_field_name("left"))
    right = node.child_by_field_name("right")
    if left is None or right is None or left.type != "identifier":
        return None
    name = module.text(left)
    declarators = module.declarators.get(name, [])
    if len(declarators) != 1:
        return None
    declarator = declarators[0]
    initial = declarator.child_by_field_name("value")
    if initial is not None and module.text(unwrap(initial)) not in {"undefined", "null"}:
        return None
    function = _function_of(declarator)
    own = _function_of(node)
    if function is None or own is None or own.id != function.id:
        return None
    parent = node.parent
    while parent is not None and parent.type in _STRAIGHT:
        if parent.parent is not None and parent.parent.id == function.id:
            return name, source(right)
        parent = parent.parent
    return name, None  # under a branch: the value after it is not one thing


def _function_of(node: Node) -> Node | None:
    parent = node.parent
    while parent is not None and parent.type not in _FUNCTIONS:
        parent = parent.parent
    return parent
