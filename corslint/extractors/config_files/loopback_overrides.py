"""loopback-boot's merge of LoopBack 3's override files over ``server/middleware.json``.

loopback-boot 3 (``lib/plugin-base.js`` ``findConfigFiles`` / ``_mergeObjects``,
``lib/plugins/middleware.js`` ``merge`` / ``mergePhaseConfig``; read on 3.3.1) loads
``middleware.json``, then ``middleware.local.{js,json}`` in every environment, then
``middleware.<env>.{js,json}`` with ``env`` ``process.env.NODE_ENV || 'development'``, each
merged over the result: a phase or an entry the main file lacks makes it throw at start; an
entry's keys merge one by one, objects into objects, arrays element by element (of equal
length only), any other value replacing the old one; values of incompatible types (an
object over a string) throw. A ``.js`` override is code (read by
express/loopback_env_middleware.py for the other environments); here only JSON ones are.
"""

from __future__ import annotations

from pathlib import Path

from corslint.model import Value

LOCAL = "middleware.local"
DEVELOPMENT = "middleware.development"
# the phrases findings end with ("when ..."): the first word names the variable
DEVELOPMENT_RUN = 'NODE_ENV is unset or "development"'
OTHER_RUN = "NODE_ENV names another environment than development"


def cors_override(folder: Path, stem: str) -> tuple[Path, str] | None:
    """The `stem` override file (`.js` first, as loopback-boot looks) in `folder`, with its
    text, when it mentions cors; None without one."""
    for suffix in ("js", "json"):
        file = folder / f"{stem}.{suffix}"
        try:
            text = file.read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        return (file, text) if "cors" in text.lower() else None
    return None


def merged_value(old: Value | None, new: Value) -> Value | None:
    """`new` merged over `old` as loopback-boot merges a key; None where it throws or where
    an unknown value leaves the result unknown."""
    if old is None:
        return new
    if old.known and old.raw is None:
        # `null` then an object: boot walks the object's keys into `null` and throws
        return None if not new.known or isinstance(new.raw, dict) else new
    if not old.known or not new.known:
        # an unknown value replaces, or is replaced by, a plain one; nesting is not known
        if (old.known and isinstance(old.raw, (dict, tuple))) or (
            new.known and isinstance(new.raw, (dict, tuple))
        ):
            return None
        return new
    if isinstance(old.raw, tuple):
        if not isinstance(new.raw, tuple) or len(new.raw) != len(old.raw):
            return None  # incompatible types, or arrays of different lengths: boot throws
        items = [merged_value(a, b) for a, b in zip(old.raw, new.raw, strict=True)]
        if any(item is None for item in items):
            return None
        return Value(tuple(item for item in items if item is not None), new.location, new.provenance)
    if isinstance(old.raw, dict):
        if new.raw is None:
            return new  # `null` over an object replaces it
        if not isinstance(new.raw, dict):
            return None
        return merged_object(old, new)
    if isinstance(new.raw, (dict, tuple)) or (new.raw is None and old.raw is not None):
        return None  # an object (or `null`) over a plain value: incompatible, boot throws
    return new


def merged_object(old: Value, new: Value) -> Value | None:
    """Two objects merged key by key (`_mergeObjects`); None where boot throws."""
    assert isinstance(old.raw, dict) and isinstance(new.raw, dict)
    merged = dict(old.raw)
    for key, value in new.raw.items():
        found = merged_value(merged.get(key), value)
        if found is None:
            return None
        merged[key] = found
    return Value(merged, old.location, old.provenance, description=old.description)
