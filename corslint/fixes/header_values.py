"""Where hand-written code (or hosting configuration) writes one CORS header's value as
one plain literal: `res.setHeader("Access-Control-Allow-Headers", "X-Requested-With")`,
`response.headers["Access-Control-Max-Age"] = "86400"`, a `{"Access-Control-...": "..."}`
entry, Next.js' `{ key: "Access-Control-...", value: "..." }`."""

from __future__ import annotations

import re

from corslint.fixes.spans import SourceText

# what stands between a header's name and its value: `", "`, `"] = "`, `": "`, `", value: "`
_BETWEEN = r"\s*(?:\]\s*=|,\s*(?:[\"']?value[\"']?\s*:)?|:)\s*"
_LITERAL = r"(?:[rRuU]?(?P<quote>[\"'`])(?:(?!(?P=quote))[^\\\r\n])*(?P=quote)|[1-9][0-9_]*)"
# the value ends where the call, subscript, entry or statement does; a line break ends it
# only where the next line does not go on with it (`"a"` then `"b"`, `+ "b"`, `if ...`)
_AFTER = (
    r"(?=[ \t]*(?:[)\]};,#]|//)|[ \t]*(?:\r\n|\r|\n|$)"
    r"(?!\s*(?:[rRuUfFbB]{0,2}[\"'`]|[-+.%(\[*/?:|&^<>=!]|(?:if|else|or|and|for|in|not|is)\b)))"
)
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


def _named(header: str) -> str:
    return rf"(?P<named>[\"'`]){re.escape(header)}(?P=named)"


def value_span(source: SourceText, span: tuple[int, int], header: str) -> tuple[int, int] | None:
    """The span of the one literal `span` writes as `header`'s value: `span` itself where
    the name is written just before it (Next.js' `value:`), the value beside it where
    `span` is the name (a dict entry's key), else the one literal written after the name
    inside `span`. None where the value is anything but one literal."""
    written = source.text[span[0] : span[1]]
    if re.fullmatch(_LITERAL, written) and re.search(
        rf"(?i){_named(header)}{_BETWEEN}$", source.line_before(span[0])
    ):
        return span
    pattern = re.compile(rf"(?im){_named(header)}{_BETWEEN}(?P<value>{_LITERAL}){_AFTER}")
    if re.fullmatch(rf"(?i){_named(header)}", written):  # the key of a `{name: value}` entry
        entry = pattern.match(source.text, span[0])
        return entry.span("value") if entry is not None else None
    # searched on past the span: what follows the value decides where it ends
    found = [m for m in pattern.finditer(source.text, span[0]) if m.start() < span[1]]
    if len(found) != 1 or found[0].end("value") > span[1]:
        return None
    return found[0].span("value")


def names_with(value: str, header: str) -> str | None:
    """The comma-separated header names in `value` with `header` added, written as the
    value writes its names; None where `value` holds `*`, `header`, or anything but names."""
    names = [name.strip() for name in value.split(",")] if value.strip() else []
    if not all(_TOKEN.fullmatch(name) for name in names):
        return None
    if "*" in names or header.lower() in {name.lower() for name in names}:
        return None
    if names and all(name == name.lower() for name in names):
        header = header.lower()
    if not names:
        return header
    separator = "," if re.search(r",\S", value) and not re.search(r",\s", value) else ", "
    return f"{value.rstrip()}{separator}{header}"
