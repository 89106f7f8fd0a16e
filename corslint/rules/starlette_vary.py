"""For CORS107: which answers of a hand-written Starlette layer reach the browser with the
`Vary: Origin` that the app's CORSMiddleware adds (`library-vary` evidence, from
extractors/python_headers/starlette_library_vary.py, which says what was measured).

A header write reaches the browser with it when the answer it is written on is the
routes' (`await call_next(request)`): the layer writes no `Vary` of its own, and no answer
the layer makes itself (an `answer` step: its own OPTIONS or 401 answer) can be the one
written on, because every such answer is made under a test the write's own path takes the
other way (`!OPTIONS` against `OPTIONS`). A write on a path where the layer may have made
the answer itself keeps its finding."""

from __future__ import annotations

from collections.abc import Mapping

from corslint.model import Location, Value
from corslint.rules.probe import PolicyProbe

LIBRARY_VARY = "library-vary"
# a route's own answers: every one passes the app's CORSMiddleware (no answer of its own
# is made outside it), which joins "Origin" onto the route's `Vary`
LIBRARY_VARY_ROUTES = "library-vary-routes"
_HAND_WRITTEN = "starlette_headers"
# the views under django-cors-headers too (extractors/python_headers/django_library_vary.py)
_ROUTES_VARIED = frozenset({_HAND_WRITTEN, "django_headers"})


def library_adds_vary(probe: PolicyProbe) -> bool:
    """Whether the routes' answers (a `status` of None in the model) reach the browser
    with the `Vary: Origin` of the app's CORSMiddleware: the policy carries `library-vary`
    and writes no `Vary` itself (an assigned one would replace the middleware's)."""
    policy = probe.policy
    if policy.framework != _HAND_WRITTEN or not any(e.kind == LIBRARY_VARY for e in policy.evidence):
        return False
    return all(name.split(" #", 1)[0].lower() != "vary" for name in policy.options)


def varied_by_library(probe: PolicyProbe) -> frozenset[Location]:
    """The places Allow-Origin is written on an answer that passes the app's CORSMiddleware
    (empty unless `library_adds_vary`)."""
    policy = probe.policy
    if policy.framework in _ROUTES_VARIED and any(e.kind == LIBRARY_VARY_ROUTES for e in policy.evidence):
        return frozenset(
            step.location
            for name, step in policy.options.items()
            if name.split(" #", 1)[0].lower() == "access-control-allow-origin"
        )
    if not library_adds_vary(probe):
        return frozenset()
    answers = [_atoms(step) for name, step in policy.options.items() if name.split(" #", 1)[0] == "answer"]
    if any(atoms is None for atoms in answers):
        return frozenset()
    passed: set[Location] = set()
    for name, step in policy.options.items():
        if name.split(" #", 1)[0].lower() != "access-control-allow-origin":
            continue
        atoms = _atoms(step)
        if atoms is not None and all(_exclusive(atoms, other) for other in answers if other is not None):
            passed.add(step.location)
    return frozenset(passed)


def _atoms(step: Value) -> frozenset[str] | None:
    """The tests a step runs under (`when`), as atoms ("OPTIONS", "!?0"); None if unread."""
    parts: Mapping[str, Value] | None = step.raw if isinstance(step.raw, dict) else None
    when = parts.get("when") if parts is not None else None
    if not isinstance(when, Value) or not isinstance(when.raw, tuple):
        return None
    atoms = [part.raw if isinstance(part, Value) else None for part in when.raw]
    if not all(isinstance(atom, str) for atom in atoms):
        return None
    return frozenset(atom for atom in atoms if isinstance(atom, str))


def _exclusive(one: frozenset[str], other: frozenset[str]) -> bool:
    """Whether no request takes both paths: one holds a test the other negates."""
    return any(f"!{atom}" in other or (atom.startswith("!") and atom[1:] in other) for atom in one)
