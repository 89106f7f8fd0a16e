"""Who answers the preflight of a route whose handler writes CORS headers itself.

Express runs `app.post('/x', handler)` for POSTs only: an OPTIONS request to `/x` is
answered by whatever comes first in the app's stack. Where that is a `cors()` middleware
registered before the route on the same app, it answers every preflight (204, with its
own headers) and the handler never sees one. Where the app is handed in as a parameter,
its stack is built elsewhere and not known here. In both cases the route's own headers
say nothing about preflights, so the model must not answer them with Express's
automatic 200 (which would make every such route a false CORS206).
"""

from __future__ import annotations

from corslint.extractors.express.registrations import Analysis, Registration, app_key, is_cors_call
from corslint.extractors.express.routes import covers_every_path
from corslint.model import Value

# `options_status` of a hand-written Express policy: its preflights are answered before
# its handler runs, by a layer these steps do not describe (frameworks.express_headers)
ANSWERED_ELSEWHERE = "answered-elsewhere"
ANSWERED_BEFORE = "answered-before"  # an earlier layer answers every OPTIONS request


def preflight_answered_elsewhere(analysis: Analysis, route: Registration) -> bool:
    """Whether the route's app answers OPTIONS before the route: an earlier app-wide
    `cors()` on the same receiver, or an app received from elsewhere."""
    if app_key(analysis.module, route) != f"{analysis.module.path}::{route.receiver}":
        return True  # the receiver is a parameter: its stack is built by the caller
    return any(
        earlier.method == "use"
        and earlier.receiver == route.receiver
        and earlier.call.start_byte < route.call.start_byte
        and (earlier.path is None or covers_every_path(earlier.path))
        and any(is_cors_call(analysis, argument) for argument in earlier.arguments)
        for earlier in analysis.registrations
    )


def answered_elsewhere(analysis: Analysis, route: Registration) -> Value:
    return Value(ANSWERED_ELSEWHERE, analysis.module.location(route.call))
