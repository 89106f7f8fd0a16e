"""The domain an origin pattern's author had in mind, for sample origins and messages."""

from __future__ import annotations

import re

_DOMAIN_RUN = re.compile(r"[A-Za-z0-9-]+(?:(?:\\\.|\.|\[\.\])[A-Za-z0-9-]+)+")
_LABEL = re.compile(r"(?:\\\.|//|\(|\|)([A-Za-z0-9-]+)(?=\\\.|\||\))")


def anchor_domain(pattern: str) -> str | None:
    """The domain a pattern's author had in mind: `^https://.*\\.example\\.com$` -> example.com."""
    runs = _DOMAIN_RUN.findall(pattern)
    if not runs:
        # a single-label host: `http://localhost:*` (a Flask-CORS glob read as a regex)
        # else one label between dots or alternatives: `\.tunnelhost\.`, `^http://(10|192)\.` (census 6 3)
        label = "localhost" if "localhost" in pattern.lower() else _LABEL.search(pattern)
        return label if isinstance(label, str) or label is None else label.group(1).lower()
    run = max(runs, key=len).replace("\\.", ".").replace("[.]", ".")
    return run.strip(".-").lower() or None
