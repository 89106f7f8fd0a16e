"""An unknown allow-list whose refused side answers `*` (census 10 B2, Cegoratto/backend2
app/main.py: `allowed = origin if is_allowed_origin(origin, settings) else "*"`).

Whatever the list holds, an Origin it admits is echoed and every Origin it refuses gets
`Access-Control-Allow-Origin: *`: any site reads the answers made without credentials, and
the list only picks echo or `*`. Such a layer is judged on the refused side (the model's
``guard_refuses``, frameworks/python_headers.py): what every Origin outside the list meets.
Read only where each Allow-Origin write the list admits echoes the Origin (or sends `*`) and
has a twin under the same conditions that sends `*` where the list refuses: an admitted
caller could only be told more, never less, than the refused side says."""

from __future__ import annotations

from collections.abc import Mapping

from corslint.frameworks.python_headers import GUARD_REFUSES
from corslint.model import HeaderReflection, Value

_ORIGIN = "access-control-allow-origin"


def refused_side(options: Mapping[str, Value]) -> dict[str, Value]:
    """`options` with ``guard_refuses`` set where the pattern above holds."""
    guard = options.get("guard")
    if guard is None or guard.known or not _star_when_refused(options):
        return dict(options)
    return {**options, GUARD_REFUSES: Value(True, guard.location)}


def _star_when_refused(options: Mapping[str, Value]) -> bool:
    admitted: list[tuple[tuple[str, ...], object]] = []
    refused: set[tuple[str, ...]] = set()
    for name, step in options.items():
        if name.split(" #", 1)[0].lower() != _ORIGIN or not step.known or not isinstance(step.raw, dict):
            continue
        when = _when(step.raw)
        if when is None:
            return False
        guarded = [c for c in when if "ALLOWED" in c]
        if not guarded:
            continue
        if guarded not in (["ALLOWED"], ["!ALLOWED"]):
            return False  # `ORIGIN&ALLOWED`, `ALLOWED|...`: not the plain two arms
        value = step.raw.get("value")
        writer = step.raw.get("writer")
        if not (
            isinstance(value, Value) and value.known and isinstance(writer, Value) and writer.raw == "set"
        ):
            return False
        rest = tuple(c for c in when if c not in ("ALLOWED", "!ALLOWED"))
        if guarded == ["!ALLOWED"]:
            if value.raw != "*":
                return False
            refused.add(rest)
        elif (isinstance(value.raw, HeaderReflection) and value.raw.source == "origin") or value.raw == "*":
            admitted.append((rest, value.raw))
        else:
            return False  # the list admits to another value (a fixed origin)
    return bool(admitted) and all(rest in refused for rest, _ in admitted)


def _when(step: Mapping[str, object]) -> list[str] | None:
    when = step.get("when")
    if not isinstance(when, Value) or not isinstance(when.raw, tuple):
        return None
    found = [c.raw for c in when.raw if isinstance(c, Value) and isinstance(c.raw, str)]
    return found if len(found) == len(when.raw) else None
