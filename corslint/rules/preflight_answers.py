"""Whether hand-written code's header writes can ever reach a preflight (census 9 row C1).

`options_status` of hand-written JS code (extractors.express.route_preflights) says who
answers the OPTIONS requests its steps leave unanswered: "answered-before", an earlier layer
on its app that answers every one (an app-wide `cors()` before an Express middleware: it
ends each preflight with 204 itself; a Fastify CORS plugin), or "answered-elsewhere", code
these steps do not describe (a route handler's helper: OPTIONS runs no route handler).
Either way the Allow-Methods and Allow-Headers those steps write are never a preflight's."""

from __future__ import annotations

from corslint.model import CorsPolicy

ANSWERED_BEFORE = "answered-before"
_ANSWERED_APART = frozenset({ANSWERED_BEFORE, "answered-elsewhere"})


def preflights_answered_apart(policy: CorsPolicy) -> bool:
    status = policy.options.get("options_status")
    return (
        status is not None and status.known and isinstance(status.raw, str) and status.raw in _ANSWERED_APART
    )


def preflights_answered_before(policy: CorsPolicy) -> bool:
    """An earlier layer on the app answers every OPTIONS request before these steps run (an
    app-wide `cors()` before an Express middleware, a Fastify CORS plugin before a
    preHandler hook): no preflight ever carries what they write."""
    status = policy.options.get("options_status")
    return status is not None and status.known and status.raw == ANSWERED_BEFORE
