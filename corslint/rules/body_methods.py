"""The methods a policy's preflight answer names when none of them carries a body
(`Access-Control-Allow-Methods: GET, HEAD, OPTIONS`; census 12 C4, 101world/444Radio
`workers/audio-worker.js`, an audio Worker that serves GET and HEAD and refuses the rest).
A JSON POST still fails such a preflight on `Content-Type` alone (POST is a CORS-safelisted
method, so the method check passes whatever Allow-Methods says), so CORS203 still holds,
but its message says that the policy names no method with a body: for a service that takes
none, the finding changes nothing. (corslint's routes for a fetch handler list GET, HEAD and
POST whatever it serves, so they cannot tell whether a body is ever accepted.)"""

from __future__ import annotations

from corslint.browser import PageRequest
from corslint.rules.probe import PolicyProbe

_BODILESS = frozenset({"GET", "HEAD", "OPTIONS"})


def bodiless_methods(probe: PolicyProbe, origin: str, credentials: bool) -> str | None:
    """The Allow-Methods value the JSON POST's preflight gets, when it names methods and all
    of them are GET, HEAD or OPTIONS; None otherwise."""
    page = PageRequest(
        origin, "POST", (("content-type", "application/json"),), credentials, probe.policy.probe_path
    )
    answer = probe.respond(page.preflight())
    listed = None if answer is None else answer.get("access-control-allow-methods")
    if not listed:
        return None
    methods = {method.strip().upper() for method in listed.split(",") if method.strip()}
    return listed.strip() if methods and methods <= _BODILESS else None
