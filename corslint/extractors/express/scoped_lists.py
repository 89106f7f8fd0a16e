"""An allow-list test whose list is a `const` of the function around it, where the module-wide
binding is ambiguous because another function declares the same name."""

from __future__ import annotations

from corslint.extractors.js.declared_values import declared_value
from corslint.extractors.js.method_calls import call_arguments
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap
from corslint.model import Value

_LIST_TESTS = frozenset({"includes", "has"})


def scoped_membership(module: JsModule, test: Node, name: str) -> tuple[list[Value], bool] | None:
    """`allowed.includes(origin)` / `allowed.has(origin)` where `allowed` is a `const` of the
    function around the test, though another function of the file declares the same name
    (census 6 sample 50, 03XimenaCruz/api-gateway `src/middleware/cors.js` beside
    `src/routes/auth.js`): the entries of the declaration in scope, else None."""
    test = unwrap(test)
    if test.type != "call_expression":
        return None
    callee = unwrap(test.child_by_field_name("function"))
    arguments = call_arguments(test)
    if callee.type != "member_expression" or len(arguments) != 1 or module.text(unwrap(arguments[0])) != name:
        return None
    holder, method = callee.child_by_field_name("object"), callee.child_by_field_name("property")
    if (
        holder is None
        or method is None
        or module.text(method) not in _LIST_TESTS
        or holder.type != "identifier"
    ):
        return None
    declared = declared_value(module, module.text(holder), test)
    if declared is None:
        return None
    declared = unwrap(declared)
    if declared.type == "new_expression" and call_arguments(declared):  # `new Set([...])`
        declared = unwrap(call_arguments(declared)[0])
    if declared.type != "array":
        return None
    value = module.resolve(declared)
    if not (value.known and isinstance(value.raw, tuple)) or not all(entry.known for entry in value.raw):
        return None
    return list(value.raw), False
