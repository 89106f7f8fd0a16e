"""A header object spread from what a project helper returns: `res.status(code).set({
...apiResponse.headers, ...corsHeaders() })` with `export const corsHeaders = () => ({
'Access-Control-Allow-Origin': '*', ... })` in another module, imported through a tsconfig
`paths` alias (`@libs/api-gateway`): wmfarooqi05/aws-serverless-app `src/utils/express.ts`
over `src/libs/api-gateway.ts` (SWEEP13 M4). Express's `res.set(object)` sets each key,
so the helper's record is written as if spelled at the call.

Only a call without arguments of one function (local or imported) whose body is an object
literal, or a block of `const` declarations and one final `return` of an object literal,
is followed; the record is read in the helper's own module."""

from __future__ import annotations

from corslint.extractors.express.function_sources import functions_of, imported_functions
from corslint.extractors.express.handwritten_state import Steps
from corslint.extractors.js.method_calls import call_arguments
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, string_value, unwrap


def returned_record(state: Steps, element: Node) -> tuple[Steps, Node] | None:
    """For `...helper()` in a header object: the state to read the helper's record with
    (its module, the same steps) and the object literal it returns."""
    found = record_of_spread(state.module, element)
    if found is None:
        return None
    module, record = found
    if module is state.module:
        return state, record
    inner = Steps(module, state.roles, steps=state.steps, aliases=state.aliases)
    inner.guard, inner.more_guards, inner.unset = state.guard, state.more_guards, state.unset
    return inner, record


def spread_record_calls(module: JsModule) -> list[Node]:
    """`...helper()` elements whose helper returns a record naming an `Access-Control-*`
    header: where a handler writes CORS headers it spells nowhere itself."""
    found = []
    for element in module.of_kind("spread_element"):
        if not element.named_children or unwrap(element.named_children[0]).type != "call_expression":
            continue
        record = record_of_spread(module, element)
        if record is not None and any(
            pair.type == "pair"
            and (key := pair.child_by_field_name("key")) is not None
            and (string_value(key) or record[0].text(key)).lower().startswith("access-control-")
            for pair in record[1].named_children
        ):
            found.append(element)
    return found


def record_of_spread(module: JsModule, element: Node) -> tuple[JsModule, Node] | None:
    """The module of the helper `...helper()` calls and the object literal it returns."""
    if element.type != "spread_element" or not element.named_children:
        return None
    call = unwrap(element.named_children[0])
    if call.type != "call_expression" or call_arguments(call):
        return None
    callee = call.child_by_field_name("function")
    if callee is None or callee.type != "identifier":
        return None
    name = module.text(callee)
    if name in module.imports:  # through the project's `paths` aliases too
        specifier, exported = module.imports[name]
        found = imported_functions(module, specifier, exported)
    else:
        found = functions_of(module, callee)
    if len(found) != 1:
        return None
    owner, helper = found[0]
    parameters = helper.child_by_field_name("parameters")
    if parameters is not None and any(child.type != "comment" for child in parameters.named_children):
        return None
    body = helper.child_by_field_name("body")
    if body is None:
        return None
    if body.type == "statement_block":
        statements = [child for child in body.named_children if child.type != "comment"]
        if not statements or statements[-1].type != "return_statement" or not statements[-1].named_children:
            return None
        if any(
            statement.type != "lexical_declaration" or not owner.text(statement).startswith("const")
            for statement in statements[:-1]
        ):
            return None
        body = statements[-1].named_children[0]
    record = unwrap(body)
    return (owner, record) if record.type == "object" else None
