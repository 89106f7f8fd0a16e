"""`headers` set on a next.config object after it is declared: `nextConfig.headers = async
() => [...]`, often under a condition (`if (mode !== "export")`, ChatGPTNextWeb/NextChat
`next.config.mjs`), with the header list in a module-level const. Next.js reads the
exported object as it is when the file has run, so the assigned function is that
config's `headers()`."""

from __future__ import annotations

from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap


def assigned_headers_functions(module: JsModule) -> list[Node]:
    """The functions assigned to `<name>.headers` where `<name>` is a variable declared
    with an object literal (the config object)."""
    found = []
    for assignment in module.of_kind("assignment_expression"):
        left, right = assignment.child_by_field_name("left"), assignment.child_by_field_name("right")
        if left is None or right is None or unwrap(left).type != "member_expression":
            continue
        target = unwrap(left)
        holder, member = target.child_by_field_name("object"), target.child_by_field_name("property")
        if holder is None or member is None or module.text(member) != "headers":
            continue
        if _declared_object(module, holder) is None:
            continue
        function = module.function_node(right)
        if function is not None:
            found.append(function)
    return found


def assigned_holder(module: JsModule, function: Node) -> Node | None:
    """The object literal the config variable is declared with, for a function assigned
    to its `headers` (None for any other function)."""
    assignment = function.parent
    while assignment is not None and assignment.type == "parenthesized_expression":
        assignment = assignment.parent
    if assignment is None or assignment.type != "assignment_expression":
        return None
    left = assignment.child_by_field_name("left")
    holder = unwrap(left).child_by_field_name("object") if left is not None else None
    return _declared_object(module, holder) if holder is not None else None


def _declared_object(module: JsModule, holder: Node) -> Node | None:
    holder = unwrap(holder)
    if holder.type != "identifier":
        return None
    declared = module.declarations.get(module.text(holder), [])
    if len(declared) != 1:
        return None
    value = unwrap(declared[0])
    return value if value.type == "object" else None
