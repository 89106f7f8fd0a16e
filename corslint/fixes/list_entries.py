"""Entries appended to a literal list of names (allowed headers, allowed methods), written
as the list writes its entries: their quotes, their case, one a line or all on one."""

from __future__ import annotations

import re
from collections.abc import Sequence

from corslint.findings import Edit
from corslint.fixes.spans import SourceText

_QUOTED = re.compile(r"([\"'])([^\"'\\\r\n]*)\1")
_PLAIN_LIST = re.compile(r"(\s*([\"'])[^\"'\\\r\n]*\2\s*,)*(\s*([\"'])[^\"'\\\r\n]*\4)?\s*")


def appended(source: SourceText, span: tuple[int, int], names: Sequence[str], python: bool) -> Edit | None:
    """The edit that appends `names` to the list literal at `span` (a Python tuple too);
    None where the list holds `*`, any of `names`, or anything but plain strings."""
    written = source.text[span[0] : span[1]]
    if len(written) < 2 or (written[0], written[-1]) not in {("[", "]"), ("(", ")")}:
        return None
    inner = written[1:-1]
    if not _PLAIN_LIST.fullmatch(inner) or (written[0] == "(" and not python):
        return None
    entries = _QUOTED.findall(inner)
    if written[0] == "(" and len(entries) == 1 and not inner.rstrip().endswith(","):
        return None  # `("x")` is a string in parentheses, not a tuple
    present = {name.strip().lower() for _quote, name in entries}
    if "*" in present or present & {name.lower() for name in names}:
        return None
    quote = entries[0][0] if entries else '"'
    if entries and all(name == name.lower() for _quote, name in entries):
        names = [name.lower() for name in names]  # as the list writes names (django-cors-headers' style)
    body_end = span[0] + 1 + len(inner.rstrip())
    at, end = body_end, body_end
    quoted = [f"{quote}{name}{quote}" for name in names]
    if not entries:
        at = end = span[0] + 1
        text = ", ".join(quoted)
    elif inner.rstrip().endswith(",") and "\n" in inner:  # one entry a line: one more line each
        last_line = source.line_before(body_end)
        indent = last_line[: len(last_line) - len(last_line.lstrip())]
        text = "".join(f"\n{indent}{entry}," for entry in quoted)
    elif inner.rstrip().endswith(","):  # `("a",)` becomes `("a", "b")`: no magic trailing comma
        at = body_end - 1
        text = "".join(f", {entry}" for entry in quoted)
    else:
        text = "".join(f", {entry}" for entry in quoted)
    return Edit(source.location(at, end), at, end, text)
