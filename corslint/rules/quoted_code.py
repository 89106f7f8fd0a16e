"""Code quoted inside a finding's message."""

from __future__ import annotations

import re

_SPACE = re.compile(r"\s+")
_INNER_EDGE = re.compile(r"(?<=[(\[{]) | (?=[)\]}])")


def as_written(text: str) -> str:
    """`text` on one line: a multi-line expression's line breaks and indentation would
    otherwise land inside the sentence (`((\\n    "*"\\n    if ...` reads `(("*" if ...`)."""
    return _INNER_EDGE.sub("", _SPACE.sub(" ", text).strip())
