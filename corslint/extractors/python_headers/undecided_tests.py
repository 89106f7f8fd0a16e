"""Tests corslint cannot decide whose outcome changes nothing: a handler that calls the
same header helper in each arm of `if self.path in (...)` and after it (07-rachit/
Datathon-2026 backend/main.py), or writes the same headers in both arms. The model tries
every outcome of the undecided tests (frameworks/python_headers.py, `respond`); when the
answers agree on every request probed here, the test decides nothing, and the policy
says so: its `condition` becomes `settled_condition`, a known note of the test, which
CORS305 does not report. A request that does tell the outcomes apart still raises the
test as unresolved."""

from __future__ import annotations

import dataclasses

from corslint.frameworks.python_headers import (
    SETTLED_CONDITION,
    chosen_markers,
    outcomes,
    respond,
    undecided_markers,
    unknown_preflights,
)
from corslint.http import Request
from corslint.model import CorsPolicy, Value

_STRANGER = "https://stranger.invalid"
_PREFLIGHT = (("access-control-request-method", "PUT"), ("access-control-request-headers", "content-type"))


def settle_condition(policy: CorsPolicy) -> CorsPolicy:
    condition = policy.options.get("condition")
    if condition is None or not undecided_markers(policy.options):
        return policy
    for request in _requests(policy):
        if request.method == "OPTIONS" and unknown_preflights(policy):
            continue  # what answers them is not known, whatever the tests decide
        try:
            answers = outcomes(policy, request)
            if any(answer != answers[0] for answer in answers[1:]):
                # the request's choice between arms, or the same headers under another
                # status: settled when the model gives one answer
                same_headers = all(answer.headers == answers[0].headers for answer in answers[1:])
                if not (same_headers or chosen_markers(policy.options)):
                    return policy
                respond(policy, request)
        except Exception:  # unresolved (or failing) somewhere: left as it was
            return policy
    options = {name: value for name, value in policy.options.items() if name != "condition"}
    options[SETTLED_CONDITION] = Value(condition.description, condition.location)
    return dataclasses.replace(policy, options=options)


def _requests(policy: CorsPolicy) -> list[Request]:
    origins: list[str | None] = [None, _STRANGER, "null"]
    guard = policy.options.get("guard")
    if guard is not None and guard.known:
        origins += [entry.raw for entry in guard.entries if entry.known and isinstance(entry.raw, str)]
    requests: list[Request] = []
    for origin in origins:
        for method in ("GET", "POST"):
            requests.append(Request(method, origin, path=policy.probe_path))
        requests.append(Request("OPTIONS", origin, _PREFLIGHT, path=policy.probe_path))
    return requests
