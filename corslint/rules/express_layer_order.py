"""CORS302 between an Express app's `cors()` and hand-written headers registered *before*
it (`app.use(gatekeeper); app.use(cors(options))`): the hand-written layer runs first.

The extractor marks such code (extractors.express.handwritten, `later_cors_layer` /
`later_cors_call`): `options_status` "answered-elsewhere" and a `Vary #cors` step at the
`cors()` call that follows it. Measured with express 4/5 + cors 2.8
(tests/test_differential_layer_order.py):

- code that ends OPTIONS requests itself (blind set 19, ALin837/My-Chat-App
  `api/middleware/allow.js`: listed origins get 200 with Allow-Headers and no
  Allow-Methods, others 403) answers those preflights; the `cors()` never sees them;
- code that hands every request on (the MERN `credentials` middleware) writes its headers
  first, then the `cors()` answers the preflight over them;
- on other requests the `cors()` runs second: its `setHeader` replaces the headers both
  write, and the ones only the hand-written code writes stay.

Rules only read the policy here; the messages say which layer runs first."""

from __future__ import annotations

from corslint.model import Value
from corslint.rules.probe import PolicyProbe

_HAND_WRITTEN = "express_headers"


def runs_before_cors(library: PolicyProbe, written: PolicyProbe) -> str | None:
    """What the two layers do, when `written` (hand-written Express code) is registered
    before `library` (the app's `cors()`) and passes requests on to it; None otherwise."""
    if written.policy.framework != _HAND_WRITTEN:
        return None
    status = written.policy.options.get("options_status")
    vary = written.policy.options.get("Vary #cors")
    if status is None or not status.known or status.raw != "answered-elsewhere" or vary is None:
        return None
    at = library.policy.location
    if (vary.location.path, vary.location.line) != (at.path, at.line):
        return None  # another cors() than this one follows it
    if _ends_preflights(written):
        return (
            "this layer is registered before the `cors()` and ends the preflights it accepts "
            "itself, so the `cors()` never sees them; on other requests it passes on, and the "
            "`cors()` then replaces the headers both write while those only this layer writes "
            "stay, so responses carry a mix of both policies"
        )
    return (
        "this layer is registered before the `cors()` and hands every request on: the "
        "`cors()` then answers the preflights and replaces the headers both write, while those "
        "only this layer writes stay, so answers carry a mix of both policies"
    )


def _ends_preflights(written: PolicyProbe) -> bool:
    """Whether the code ends OPTIONS requests itself (an `end` step under an OPTIONS test)."""
    for name, step in written.policy.options.items():
        if not name.startswith("end") or not step.known or not isinstance(step.raw, dict):
            continue
        when = step.raw.get("when")
        if (
            isinstance(when, Value)
            and isinstance(when.raw, tuple)
            and any(isinstance(test, Value) and test.raw == "OPTIONS" for test in when.raw)
        ):
            return True
    return False
