"""Response helpers with a CORS switch: `const headers = { ...(cors && corsHeaders),
"Cache-Control": cache }` in a helper taking `cors: boolean = false` (or `{ cors = true }`),
as formbricks/formbricks `apps/web/app/lib/api/response.ts` and
`apps/web/modules/api/v2/lib/response.ts` write them for their public API routes. The
header object is what the helper sends when a caller turns the switch on, whatever the
parameter's default: that answer is the configuration to judge. A helper no function of its
own module calls is judged where it is written, since its callers are elsewhere."""

from __future__ import annotations

from corslint.extractors.js.declared_values import declared_name
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap, walk

_FUNCTIONS = frozenset(
    {"arrow_function", "function_expression", "function_declaration", "function", "method_definition"}
)
_PARAMETER_NAMES = frozenset({"identifier", "shorthand_property_identifier_pattern"})


def switched_object(module: JsModule, node: Node) -> Node | None:
    """`flag && headers` or `flag ? headers : {}` with `flag` a parameter of the function
    holding it: the `headers` operand; None for anything else."""
    node = unwrap(node)
    if node.type == "binary_expression" and module.text(node.child_by_field_name("operator")) == "&&":
        flag, operand = node.child_by_field_name("left"), node.child_by_field_name("right")
    elif node.type == "ternary_expression":
        flag, operand = node.child_by_field_name("condition"), node.child_by_field_name("consequence")
        alternative = node.child_by_field_name("alternative")
        if alternative is None or module.text(unwrap(alternative)).replace(" ", "") not in {
            "{}",
            "undefined",
            "null",
        }:
            return None
    else:
        return None
    if flag is None or operand is None or unwrap(flag).type != "identifier":
        return None
    return operand if _is_parameter(module, node, module.text(unwrap(flag))) else None


def has_cors_switch(module: JsModule, function: Node) -> bool:
    """Whether the function spreads a header object behind a switch parameter."""
    body = function.child_by_field_name("body")
    if body is None:
        return False
    return any(
        node.type == "spread_element"
        and node.named_children
        and switched_object(module, node.named_children[0]) is not None
        for node in walk(body)
    )


def switched_helper(module: JsModule, function: Node) -> bool:
    """A helper with a CORS switch that no code of its own module calls."""
    return has_cors_switch(module, function) and not called_in_module(module, function)


def called_in_module(module: JsModule, function: Node) -> bool:
    """Whether some code of its own module calls the function by its name."""
    name = declared_name(module, function)
    if name is None:
        return True  # unnamed: reached some other way
    for reference in module.references(name):
        parent = reference.parent
        if (
            parent is not None
            and parent.type == "call_expression"
            and parent.child_by_field_name("function") == reference
        ):
            return True
    return False


def _is_parameter(module: JsModule, node: Node, name: str) -> bool:
    function = node.parent
    while function is not None and function.type not in _FUNCTIONS:
        function = function.parent
    if function is None:
        return False
    parameters = function.child_by_field_name("parameters") or function.child_by_field_name("parameter")
    if parameters is None:
        return False
    return any(child.type in _PARAMETER_NAMES and module.text(child) == name for child in walk(parameters))
