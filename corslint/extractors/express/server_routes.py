"""Routes that other servers call, not browsers: a payment provider's webhook or callback,
or a route that reads its body raw to check a signature (`express.raw(...)`). Mounting them
before `app.use(cors())` is deliberate (Stripe needs the raw body, so the route goes before
`express.json()` and the rest of the middleware), and they need no CORS headers, so they
do not make a CORS layer misordered. Seen in FreQll/Uevent-Fullstack `backend/server.js`
(`app.use("/api/stripe/webhook", express.raw(...))` then the Stripe router, then cors())
and CodeCommandBD/LMS-WebSite `server/app.js` (`app.post(".../purchase/webhook",
express.raw(...))` before cors())."""

from __future__ import annotations

import re

from corslint.extractors.express.registrations import Analysis, Registration
from corslint.extractors.js.syntax import unwrap

_SERVER_PATH = re.compile(r"(?:^|[/_-])(?:web-?hooks?|callbacks?|ipn)(?:$|[/_.-])", re.IGNORECASE)
_RAW_BODY = re.compile(r"^(?:express|bodyParser|bodyparser)\.raw\s*\(|^raw\s*\(")


def called_server_to_server(analysis: Analysis, registration: Registration) -> bool:
    """Whether a route or router is one that servers call (see the module docstring)."""
    path = registration.path or ""
    if _SERVER_PATH.search(path) or _reads_raw_body(analysis, registration):
        return True
    if not path:
        return False
    # `app.use("/api/stripe/webhook", express.raw(...))` before `app.use("/api/stripe", router)`:
    # the router is mounted early for its webhook
    prefix = path.rstrip("/") + "/"
    return any(
        other.receiver == registration.receiver
        and other.call.start_byte < registration.call.start_byte
        and (other.path or "").startswith(prefix)
        and _SERVER_PATH.search(other.path or "") is not None
        and _reads_raw_body(analysis, other)
        for other in analysis.registrations
    )


def _reads_raw_body(analysis: Analysis, registration: Registration) -> bool:
    module = analysis.module
    for argument in registration.arguments:
        node = unwrap(argument)
        if node.type == "call_expression" and _RAW_BODY.match(module.text(node)):
            return True
    return False
