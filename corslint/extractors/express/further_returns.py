"""The other places a response-returning function writes the same Allow-Origin.

A Lambda handler (or a Fetch / route handler) answers through several `return`s, each with
its own header object: `return {statusCode: 200, headers: {'Access-Control-Allow-Origin':
'*'}, body}` on success, the same literal again in the `catch` and in each early error
return (find_string `statusCode: 500, headers: { 'Access-Control-Allow`: 10 of 10 hits are
such handlers). The policy is judged on one answer per method (`response_objects`), but
every literal is a place the user has to change: the rules report each place the same
Allow-Origin is written (`PolicyProbe.write_sites`), so each further return writing the
same value joins the policy as a step that never runs. It is added after the end of the
answer it stands beside, under that answer's conditions: any request it would apply to
has already been answered, so the model's answers do not change.

Only writes whose value is known and equal to an Allow-Origin already read are added: a
return writing another value (a reflected Origin in the error branch, `*` beside an
allow-list) is a different answer, which this does not judge.

Where the judged answers write one Allow-Origin value only, a further return writing that
value and an Allow-Credentials equal to one already read is the same answer again (`*` with
`true` in the error branch of a Lambda handler is broken there as well): its credentials
write is returned, for the policy's `further-answer-credentials` evidence (CORS201 reports
each place). It is not a step: nothing the model answers changes. With two judged
Allow-Origin values, which one a credentials write pairs with is not known: none is returned."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from corslint.extractors.express.handwritten_state import Steps
from corslint.extractors.express.returned_responses import ResponseSite
from corslint.model import Location, UnresolvedValueError, Value

_ORIGIN = "Access-Control-Allow-Origin"
_CREDENTIALS = "Access-Control-Allow-Credentials"

Reader = Callable[[Steps, ResponseSite, tuple[str, ...]], None]


def add_further_returns(
    steps: Steps, sites: Iterable[ResponseSite], when: tuple[str, ...], read: Reader
) -> list[Location]:
    """Adds to `steps` the Allow-Origin writes of `sites` (the function's answers that were
    not judged) equal to one already read, at their own places, under `when`: the
    conditions of the end step just added for the judged answer. Returns where those
    answers write the judged Allow-Credentials beside the one judged Allow-Origin."""
    known = {written for value in _origin_steps(steps) if (written := _written(value)) is not None}
    if not known:
        return []
    # a credentials write pairs with the one Allow-Origin value only where there is one
    credentials = (
        {written for value in _header_steps(steps, _CREDENTIALS) if (written := _written(value)) is not None}
        if len(known) == 1
        else set()
    )
    seen = {value.location for value in _origin_steps(steps)}
    judged = {value.location for value in _header_steps(steps, _CREDENTIALS)}
    paired: list[Location] = []
    for site in sites:
        scratch = Steps(site.module, site.roles)
        read(scratch, site, when)
        added = 0
        for value in _origin_steps(scratch):
            if value.location in seen or _written(value) not in known:
                continue
            seen.add(value.location)
            steps.add(_ORIGIN, value, value.location)
            added += 1
        if added != 1 or len(_origin_steps(scratch)) != 1:
            continue
        site_credentials = _header_steps(scratch, _CREDENTIALS)
        if len(site_credentials) == 1 and _written(site_credentials[0]) in credentials:
            location = site_credentials[0].location
            if location not in judged and location not in paired:
                paired.append(location)
    return paired


def _origin_steps(steps: Steps) -> list[Value]:
    return _header_steps(steps, _ORIGIN)


def _header_steps(steps: Steps, header: str) -> list[Value]:
    return [value for name, value in steps.steps.items() if name.split(" #", 1)[0] == header]


def _written(step: Value) -> str | None:
    """What the write puts in the response and how, whatever request it answers."""
    if not step.known or not isinstance(step.raw, dict):
        return None
    try:
        return repr(
            sorted((key, part.plain()) for key, part in step.raw.items() if key in {"value", "writer"})
        )
    except (UnresolvedValueError, AttributeError):
        return None
