"""What a framework answers to the requests a handler group's own exports or routes do not
take, for `response_objects`: SvelteKit's 405 to an OPTIONS request an endpoint exports
nothing for (`sveltekit_endpoints`), and an itty-router table's answer where no route takes
OPTIONS, given to the other methods of a route's handler too (`itty_router_tables`)."""

from __future__ import annotations

from corslint.extractors.express.itty_router_tables import ITTY_ROUTE, registrations
from corslint.extractors.express.sveltekit_endpoints import SVELTEKIT_ENDPOINT, kit_options_status
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node


def unrouted_answers(
    module: JsModule, framework: str, functions: list[tuple[Node, str]]
) -> list[tuple[int, tuple[str, ...]]]:
    """(status, conditions) for each answer the framework gives where the group's functions
    do not answer OPTIONS; empty where that answer is not known."""
    if framework == SVELTEKIT_ENDPOINT:
        status = kit_options_status(module)
        return [(status, ("METHOD:OPTIONS",))] if status is not None else []
    if framework != ITTY_ROUTE or not functions:
        return []
    routed = registrations(module, functions[0][0])
    unanswered = {registration.options_status for registration in routed}
    missing = unanswered.pop() if len(unanswered) == 1 else None
    if missing is None:
        return []
    served = {"OPTIONS"}
    for registration in routed:
        served |= {"GET", "HEAD"} if registration.method == "GET" else {registration.method}
    return [(missing, (f"!METHOD:{','.join(sorted(served))}",)), (missing, ("METHOD:OPTIONS",))]
