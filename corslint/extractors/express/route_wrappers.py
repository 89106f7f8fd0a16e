"""A Next.js route export wrapped by a project helper that only observes the request:
`export const POST = observedApiRoute(postRoute)`, where `observedApiRoute(handler)`
returns `async (request, ...args) => { ...; return await handler(request, ...args) }`
(logging, timing, error reporting; no answer or header of its own: Life-USTC/server-nextjs
`src/lib/log/api-observability.ts` around `src/app/api/auth/oauth2/device-authorization/
route.ts`). The method's answer is the wrapped function's. A wrapper whose module names
CORS (`withCors(handler)`) writes headers of its own and is left to the readers of that
module, as is a package's wrapper corslint cannot read."""

from __future__ import annotations

import re

from corslint.extractors.express.function_sources import functions_of
from corslint.extractors.js.declared_values import FUNCTIONS
from corslint.extractors.js.method_calls import call_arguments
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node, unwrap

_CORS_WORDS = re.compile(rb"cors|access-control-", re.IGNORECASE)
# a wrapper that builds answers or touches headers itself (`withAuth` returning a 401,
# `withHeaders` setting some) is no plain observer: its requests are not all the handler's
_OWN_ANSWERS = re.compile(r"\bheaders\b|Headers\b|\bnew\s+Response\b|NextResponse|\bResponse\.\w+\(")


def wrapped_route_function(
    module: JsModule, call: Node, wrappers: list[tuple[JsModule, Node]]
) -> Node | None:
    """The function of `module` a route export's `wrapper(fn)` call hands its requests to,
    when `wrappers` (what the callee names) is one project function of another module that
    calls its first parameter and names no CORS header."""
    if len(wrappers) != 1:
        return None
    wrapper_module, wrapper = wrappers[0]
    if wrapper_module is module or _CORS_WORDS.search(wrapper_module.source):
        return None
    if _OWN_ANSWERS.search(wrapper_module.text(wrapper)):
        return None
    arguments = call_arguments(call)
    if len(arguments) != 1:
        return None
    parameters = wrapper.child_by_field_name("parameters")
    first = next((p for p in parameters.named_children if p.type != "comment"), None) if parameters else None
    pattern = first.child_by_field_name("pattern") if first is not None else None
    name = wrapper_module.text(pattern if pattern is not None else first) if first is not None else ""
    if not name.isidentifier() or not re.search(rf"\b{re.escape(name)}\s*\(", wrapper_module.text(wrapper)):
        return None  # the wrapper does not call the handler it is given
    argument = unwrap(arguments[0])
    if argument.type in FUNCTIONS:
        return argument
    if argument.type != "identifier":
        return None
    found = functions_of(module, argument)
    return found[0][1] if len(found) == 1 and found[0][0] is module else None
