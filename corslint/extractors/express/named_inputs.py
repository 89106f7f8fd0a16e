"""Whether a test of request input the caller chooses (`req.query.site`, `req.body.origin`)
is an origin allow-list: only when what it is compared with looks like origins. `const {
action } = req.body; if (action === "signup")` (AVietCoder/calorie `api/auth.js`) picks an
operation, and reading it as an allow-list reported `signup` as a malformed origin."""

from __future__ import annotations

from corslint.model import Regex, Value


def compares_origins(entries: list[Value]) -> bool:
    """Some entry is an origin-like string (a scheme, `null`, `*`) or a pattern."""
    for entry in entries:
        if not entry.known:
            continue
        raw = entry.raw
        if isinstance(raw, Regex) or (isinstance(raw, str) and ("://" in raw or raw in {"null", "*"})):
            return True
    return False
