"""The status of a refusal a Fetch handler returns through a helper that takes it as a
parameter: `if (!isOriginAllowed(origin)) return jsonError(403, "Origin not allowed",
origin)` (census 6 sample 213, EtherealCarnivore/project-omnilyth
`workers/poe-ninja-proxy.js`): the value the caller passes."""

from __future__ import annotations

from corslint.extractors.express.returned_responses import ResponseSite
from corslint.model import Value


def bound_status(site: ResponseSite) -> Value:
    """`site`'s status, or where a helper builds it from a parameter, the caller's value."""
    status = site.status
    bound = site.bound.get(status.description) if not status.known else None
    if bound is None:
        return status
    module, argument, _, _ = bound
    value = module.resolve(argument)
    if value.known and isinstance(value.raw, int):
        return Value(value.raw, module.location(argument))
    return status
