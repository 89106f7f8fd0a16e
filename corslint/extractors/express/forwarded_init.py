"""A response helper that hands its caller's init on unchanged: `jsonResponse(body, init)`
returning `NextResponse.json(serialize(body), init)` (or `new Response(text, init)`), called
as `jsonResponse(data, { status: 400, headers: CORS_HEADERS })` from route handlers in other
modules (Life-USTC/server-nextjs `src/lib/api/helpers.ts`). The headers and status the
response carries are the caller's object, read in the caller's module; a helper that
rebuilds or reassigns the init is left alone."""

from __future__ import annotations

from corslint.extractors.js.declared_values import declared_value
from corslint.extractors.js.method_calls import call_arguments
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap


def forwarded_init(
    caller: JsModule, helper_module: JsModule, built: Node, names: list[str], passed: tuple[Node, ...]
) -> Node | None:
    """The caller's init object (in `caller`) when the response `built` in the helper takes
    the helper's own init parameter as it is."""
    arguments = call_arguments(built)
    if len(arguments) != 2:
        return None
    init = unwrap(arguments[1])
    if init.type != "identifier":
        return None
    name = helper_module.text(init)
    if name not in names or helper_module.assignments.get(name):
        return None  # not a parameter, or one the helper reassigns
    if declared_value(helper_module, name, init) is not None:
        return None  # a local of the same name shadows it
    index = names.index(name)
    if index >= len(passed):
        return None
    given = unwrap(passed[index])
    if given.type == "identifier":
        declared = declared_value(caller, caller.text(given), given)
        given = unwrap(declared) if declared is not None else given
    return given if given.type == "object" else None
