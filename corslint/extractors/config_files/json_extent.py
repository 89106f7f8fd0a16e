"""Where a JSON value ends, found without building it: the readers skip what they do not
keep (a data file's members that hold no CORS key, a list's entries past the limit) at
the speed of a regular expression, with no object per node."""

from __future__ import annotations

import re

# what may stand between brackets outside strings (blanks, separators, numbers, true,
# false, null), or a string
_TOKEN = r'(?:[ \t\r\n0-9.,:+\-eEtrufalsn]++|"[^"\\\x00-\x1f]*+(?:\\.[^"\\\x00-\x1f]*+)*+")'
_RUN = re.compile(_TOKEN + "*+")  # one match skips a run of them
SCALAR = r'"[^"\\\x00-\x1f]*+(?:\\.[^"\\\x00-\x1f]*+)*+"|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null'
_SCALAR = re.compile(SCALAR)


def _nested(depth: int) -> re.Pattern[str]:
    """A bracketed value nested at most `depth` deep, in one match (brackets of either kind
    close each other: enough to skip)."""
    group = r"[\[{]" + _TOKEN + r"*+[\]}]"
    for _ in range(depth - 1):
        group = r"[\[{](?:" + _TOKEN + "|" + group + r")*+[\]}]"
    return re.compile(group)


# a list of records is skipped in one match, not one step per bracket: twice as fast
_NESTED = _nested(4)
_OPENING = frozenset("[{")
_CLOSING = frozenset("]}")


class ExtentError(ValueError):
    """The text is not JSON where the value should be; `index` is where it went wrong."""

    def __init__(self, message: str, index: int) -> None:
        super().__init__(message)
        self.index = index


def end_of_value(text: str, start: int) -> int:
    """The index just past the JSON value that starts at `start` (no blanks before it).

    Brackets are counted and the characters between them checked, not the grammar
    (`[1 2]` passes): enough to skip what a reader does not keep."""
    if start >= len(text):
        raise ExtentError("unexpected end of file", start)
    if text[start] not in _OPENING:
        match = _SCALAR.match(text, start)
        if match is None:
            raise ExtentError(f"unexpected character {text[start]!r}", start)
        return match.end()
    depth = 0
    at = start
    size = len(text)
    while True:
        if at >= size:
            raise ExtentError("unexpected end of file", at)
        char = text[at]
        if char in _OPENING:
            nested = _NESTED.match(text, at)
            if nested is not None:
                if depth == 0:
                    return nested.end()
                at = _RUN.match(text, nested.end()).end()  # type: ignore[union-attr]
                continue
            depth += 1
        elif char in _CLOSING:
            depth -= 1
            if depth == 0:
                return at + 1
        else:
            raise ExtentError(f"unexpected character {char!r}", at)
        at = _RUN.match(text, at + 1).end()  # type: ignore[union-attr]  # it matches the empty string
