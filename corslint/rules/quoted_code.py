"""Code quoted inside a finding's message."""

from __future__ import annotations

import re

_SPACE = re.compile(r"\s+")
_INNER_EDGE = re.compile(r"(?<=[(\[{]) | (?=[)\]}])")
_QUOTES = "'\"`"


def as_written(text: str, path: str = "") -> str:
    """`text` on one line: a multi-line expression's line breaks and indentation would
    otherwise land inside the sentence (`((\\n    "*"\\n    if ...` reads `(("*" if ...`),
    and its line comments would run into the code after them, so they are dropped
    (`#` in Python, `//` elsewhere, `path` names the file the code is from)."""
    marker = "#" if path.endswith((".py", ".pyi")) else "//"
    lines = [_without_comment(line, marker) for line in text.splitlines()]
    quoted = _INNER_EDGE.sub("", _SPACE.sub(" ", " ".join(lines)).strip())
    # a description cut short inside a comment keeps saying that it was cut
    return quoted + "..." if text.endswith("...") and not quoted.endswith("...") else quoted


def _without_comment(line: str, marker: str) -> str:
    quote = ""
    index = 0
    while index < len(line):
        char = line[index]
        if quote:
            if char == "\\":
                index += 1
            elif char == quote:
                quote = ""
        elif char in _QUOTES:
            quote = char
        elif line.startswith(marker, index):
            return line[:index]
        index += 1
    return line
