"""The legacy `routes` of vercel.json: `{"src": "/(.*)", "dest": ..., "headers": {name:
value}}` (mikessdev/qrmenu_backend sends `Access-Control-Allow-Origin: *` this way, beside
`builds`). Vercel adds a route's `headers` to the responses of the requests its `src`
regex matches, in order, until the first matching route without `continue: true`, where
routing stops (measured with @vercel/routing-utils as `vercel dev` routes,
tests/test_differential_next_hosting.py). Only a `src` that reads the same as a `headers`
`source` pattern is taken (a literal path, optionally ending in `(.*)`, anchors dropped);
any other regex is left out rather than guessed, and a route that an earlier stopping
route already answers at its paths is left out too."""

from __future__ import annotations

import re

from corslint.extractors.express.config_headers import HeaderRule, probe_path
from corslint.model import Value

_PLAIN_SOURCE = re.compile(r"/?[A-Za-z0-9_\-./]*(?:\(\.\*\))?")


def legacy_route_rules(routes: Value | None) -> list[HeaderRule]:
    rules: list[HeaderRule] = []
    if routes is None or not (routes.known and isinstance(routes.raw, tuple)):
        return rules
    stopping: list[re.Pattern[str] | None] = []  # earlier routes without `continue` (None: unread)
    for route in routes.raw:
        if not (route.known and isinstance(route.raw, dict)):
            continue
        src, headers = route.raw.get("src"), route.raw.get("headers")
        if src is None or not isinstance(src.raw, str):
            continue  # a phase marker (`handle`)
        source = _source(src.raw)
        if source is not None and headers is not None and headers.known and isinstance(headers.raw, dict):
            probe = probe_path(source, "vercel")
            if not any(earlier is None or earlier.search(probe) for earlier in stopping):
                pairs = tuple(
                    (Value(name, value.location), value)
                    for name, value in headers.raw.items()
                    if isinstance(name, str)
                )
                rules.append(HeaderRule(source, pairs, route.location))
        carries_on = route.raw.get("continue")
        if carries_on is None or carries_on.raw is not True:
            stopping.append(_anchored(src.raw))
    return rules


def _anchored(src: str) -> re.Pattern[str] | None:
    """The route's regex as Vercel anchors it (`^...$`, case-insensitive); None when
    Python cannot read it."""
    anchored = ("" if src.startswith("^") else "^") + src + ("" if src.endswith("$") else "$")
    try:
        return re.compile(anchored, re.IGNORECASE)
    except re.error:
        return None


def _source(src: str) -> str | None:
    """The `source` pattern a legacy `src` regex amounts to, when it is that simple."""
    pattern = src.removeprefix("^").removesuffix("$")
    if pattern in {"(.*)", ".*", "/.*"}:
        return "/(.*)"
    if not _PLAIN_SOURCE.fullmatch(pattern) or "." in pattern.replace("(.*)", ""):
        return None
    return pattern if pattern.startswith("/") else "/" + pattern
