"""Two CORS layers on one Starlette app, for CORS302: whether a hand-written layer only
repeats the app's CORSMiddleware, and what two layers do to each other's answers.

A hand-written Starlette layer that sends what the app's CORSMiddleware sends (sweep 12
X4 vineet-joshi91/caio-orchestrator main.py:98-129): an `@app.middleware("http")`
re-applies the CORSMiddleware's own `allow_origins` / `allow_origin_regex` and
credentials to every response, so that crash answers (500) keep their CORS headers.
Measured with Starlette 1.10 (tests/test_differential_starlette_layer_outcomes.py): both
layers write by item assignment (`MutableHeaders.__setitem__` replaces every line of the
name), so whichever runs last, each response carries one Allow-Origin, the same one;
nothing is overridden or mixed.

The layers are compared by their answers, not their spelling: for every origin the
configuration names (and an attacker's, and `null`), each `Access-Control-*` header the
hand-written layer writes must be the one the middleware sends on the same simple
request and on the preflight (which the middleware answers), at the paths both answer.
Only a layer that replaces (every write an assignment), whose writes do not depend on the
request's method, path or preflight headers, and whose answers are all known is compared."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from corslint.http import Request, Response
from corslint.model import Value
from corslint.rules.probe import ATTACKER, PolicyProbe

_LIBRARY = "starlette"
_HAND_WRITTEN = "starlette_headers"
# atoms of a step's condition that tell a preflight, a method or a path apart
_REQUEST_ATOMS = ("OPTIONS", "METHOD:", "ACRM", "ACRH", "PATH^")


def repeats_library_policy(library: PolicyProbe, written: PolicyProbe) -> bool:
    """Whether `written` (hand-written Starlette headers) only writes again, by
    replacement, what `library` (Starlette's CORSMiddleware on the same app) sends."""
    if library.policy.framework != _LIBRARY or written.policy.framework != _HAND_WRITTEN:
        return False
    if not _replaces_only(written.policy.options):
        return False
    # `Vary` is left out: whatever the layer does with it, Allow-Origin is not doubled
    # (`"Origin" if not vary else f"{vary}, Origin"` is not read, and would stop the answers)
    options = {k: v for k, v in written.policy.options.items() if not k.lower().startswith("vary")}
    written = PolicyProbe(dataclasses.replace(written.policy, options=options))
    origins = dict.fromkeys([*library.sample_origins, *written.sample_origins, ATTACKER, "null"])
    asked = (("access-control-request-method", "PUT"),)
    for path in dict.fromkeys([library.policy.probe_path, written.policy.probe_path]):
        for origin in origins:
            mine = written.respond(Request("GET", origin, path=path))
            if mine is None:
                return False
            for request in (Request("GET", origin, path=path), Request("OPTIONS", origin, asked, path=path)):
                theirs = library.respond(request)
                if theirs is None or not _same_where_written(mine, theirs):
                    return False
    return True


def _replaces_only(options: Mapping[str, Value]) -> bool:
    """Every header step writes by assignment, under no test of the method, the path or a
    preflight header (its simple answer stands for every request it sees)."""
    steps = 0
    for name, step in options.items():
        if not name.lower().startswith("access-control-"):
            continue
        if not step.known or not isinstance(step.raw, dict):
            return False
        parts = step.raw
        writer, when = parts.get("writer"), parts.get("when")
        if not isinstance(writer, Value) or writer.raw != "set" or not isinstance(when, Value):
            return False
        atoms = [c.raw for c in when.raw] if isinstance(when.raw, tuple) else None
        if atoms is None or any(not isinstance(a, str) or any(m in a for m in _REQUEST_ATOMS) for a in atoms):
            return False
        steps += 1
    return steps > 0


def _same_where_written(mine: Response, theirs: Response) -> bool:
    """Each Access-Control-* header of `mine` is, with the same single value, in `theirs`."""
    for name, value in mine.headers:
        if not name.startswith("access-control-"):
            continue  # `Vary: Origin` by assignment: the middleware's own is `Origin` too
        sent = [v for k, v in theirs.headers if k == name]
        if sent != [value]:
            return False
    return True


def starlette_outcome(earlier: PolicyProbe, later: PolicyProbe) -> str | None:
    """What two layers of one Starlette app do to each other's answers (measured with
    Starlette 1.10, tests/test_differential_starlette_layer_outcomes.py), where both
    replace rather than add: Starlette's `MutableHeaders` item assignment and
    `update` drop every earlier line of the name, so no answer carries two
    Allow-Origin values; what the answers carry is a mix. None for other pairs."""
    names = {earlier.framework.name, later.framework.name}
    if names == {_LIBRARY}:
        # the outer middleware ends every preflight (200 or 400) before the inner one
        # sees it; on other requests the inner one writes first, then the outer one
        # `update`s its own headers and Allow-Origin for the origins it admits
        return (
            "Starlette runs the outer of the two (the one added last; in a `middleware=[...]` "
            "list, the first) before the other: it answers every preflight itself, so only "
            "its own origins and methods pass a preflight, and on other requests both write, "
            "so an origin either one admits is let in, with the headers only the inner one "
            "sets (such as `Access-Control-Allow-Credentials`) mixed in"
        )
    if names != {_LIBRARY, _HAND_WRITTEN}:
        return None
    written = later if later.framework.name == _HAND_WRITTEN else earlier
    if not _replaces_origin(written.policy.options):
        return None  # `headers.append(...)`: a second Allow-Origin line can follow
    return (
        "CORSMiddleware answers the preflights it receives itself, and on other responses "
        "the outer layer's headers replace those of the same name the inner one wrote "
        "(CORSMiddleware writes `Access-Control-Allow-Origin` only for the origins it "
        "admits), while the headers only one of them writes stay: each response carries "
        "one `Access-Control-Allow-Origin`, but a mix of both policies"
    )


def _replaces_origin(options: Mapping[str, Value]) -> bool:
    """Every Allow-Origin write of a hand-written layer is an assignment."""
    writes = [
        step.raw.get("writer")
        for name, step in options.items()
        if name.split(" #", 1)[0].lower() == "access-control-allow-origin" and isinstance(step.raw, dict)
    ]
    return bool(writes) and all(isinstance(w, Value) and w.raw == "set" for w in writes)
