"""Answers for a policy whose secondary options are unknown.

RULES.md: an option whose value cannot be determined (CORS305) does not silence the
rules about the other options of the same policy. An unknown `exposedHeaders` or
`allowedHeaders` makes a model's answer unknown as a whole, yet who may read the
response (Allow-Origin, Allow-Credentials) and the max-age sent do not depend on it.
So an unknown header, method, expose or max-age option is replaced by a benign stand-in,
one that no rule reports on: the rules about that option see nothing to judge, and
CORS305 still names it. An unknown credentials flag stands in as off: the rules about
the other options judge what every request without cookies meets, and those about
credentials wait for the value CORS305 asks for.

An origin list with some entries unknown (`["*", os.environ["FRONTEND"]]`) is judged on
the entries that are known: each unknown entry stands for one more origin of its own, a
name no browser sends. A `*` or a loopback origin beside it is then reported as it would
be anyway; a wholly unknown origin option stays unjudged.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping

from corslint.frameworks import Framework
from corslint.http import Request, Response
from corslint.model import CorsPolicy, FunctionValue, Provenance, UnresolvedValueError, Value

Responder = Callable[[Request], Response]

# Stand-ins per role: each rule about that role finds nothing wrong with them.
_LISTS: Mapping[str, tuple[str, ...]] = {
    "headers": ("Content-Type", "Authorization"),
    "methods": ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"),
    "expose": (),
}
_MAX_AGE = 600  # what WebKit honours: no CORS207
# one origin per unknown entry, under a reserved name: it admits nothing a rule probes
_ORIGIN = "https://unresolved-{index}.corslint.invalid"


def settled_responder(framework: Framework, policy: CorsPolicy) -> Responder | None:
    """A responder for `policy` with its unknown secondary options stood in for, or None
    where none is unknown (or an unexpandable `**kwargs` hides which are)."""
    if "**" in policy.options:
        return None
    # a library's credentials flag, unknown, stands in as off: who may read responses to
    # requests without cookies, and the max-age sent, do not depend on it (CORS305 names
    # it; CORS101 and CORS201 wait for it); hand-written headers are judged as written
    secondary = (*_LISTS, "max_age") if framework.handwritten else (*_LISTS, "max_age", "credentials")
    unknown = {
        name: role
        for role in secondary
        for name in framework.roles.get(role, ())
        if (value := policy.options.get(name)) is not None and is_unresolved(value)
    }
    # hand-written code's allow-list test (`guard`) lists origins too
    guarded = (
        tuple(name for name in policy.options if name.split(" #", 1)[0] == "guard")
        if framework.handwritten
        else ()
    )
    partial = {
        name: value
        for name in (*framework.roles.get("origins", ()), *guarded)
        if (value := policy.options.get(name)) is not None and partly_known(value)
    }
    if not unknown and not partial:
        return None
    if partial:
        policy = dataclasses.replace(
            policy,
            options={**policy.options, **{name: _known_entries(value) for name, value in partial.items()}},
        )
    candidates = [
        framework.answering(dataclasses.replace(policy, options=options))
        for options in _forms(policy, unknown)
    ]

    def respond(request: Request) -> Response:
        failure: Exception | None = None
        for candidate in candidates:
            try:
                return candidate(request)
            except (UnresolvedValueError, TypeError, ValueError) as error:
                failure = error  # this spelling of the stand-ins is not one the model reads
        assert failure is not None
        raise failure

    return respond


def _forms(policy: CorsPolicy, unknown: Mapping[str, str]) -> Iterator[dict[str, Value]]:
    """The options with stand-ins, first as lists (and a number), then as the
    comma-separated strings (and the digits) some libraries take instead."""
    for as_text in (False, True):
        options = dict(policy.options)
        for name, role in unknown.items():
            location = policy.options[name].location
            raw: object
            if role == "credentials":
                raw = False
            elif role == "max_age":
                raw = str(_MAX_AGE) if as_text else _MAX_AGE
            elif as_text:
                raw = ", ".join(_LISTS[role])
            else:
                raw = tuple(Value(item, location, Provenance.LITERAL) for item in _LISTS[role])
            options[name] = Value(raw, location, Provenance.LITERAL)
        yield options


def partly_known(value: Value) -> bool:
    """A known list (or an origin function's allow-list) whose entries are partly
    unknown, at least one of them known."""
    entries = listed_entries(value)
    if not entries:
        return False
    unresolved = [is_unresolved(item) for item in entries]
    return any(unresolved) and not all(unresolved)


def listed_entries(value: Value) -> tuple[Value, ...]:
    if not value.known:
        return ()
    if isinstance(value.raw, FunctionValue) and value.raw.kind == "allow-list":
        return value.raw.allowed
    return value.raw if isinstance(value.raw, tuple) else ()


def _known_entries(value: Value) -> Value:
    entries = tuple(
        Value(_ORIGIN.format(index=index), item.location) if is_unresolved(item) else item
        for index, item in enumerate(listed_entries(value))
    )
    if isinstance(value.raw, FunctionValue):
        return dataclasses.replace(value, raw=dataclasses.replace(value.raw, allowed=entries))
    return dataclasses.replace(value, raw=entries)


def is_unresolved(value: Value) -> bool:
    if isinstance(value.raw, FunctionValue) and value.raw.kind == "unknown":
        return True
    try:
        value.plain()
    except UnresolvedValueError:
        return True
    return False
