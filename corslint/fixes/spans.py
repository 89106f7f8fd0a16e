"""Character offsets of 1-based line/column spans (columns count code points, as every
extractor's `Location` does: Python's byte columns and tree-sitter's are converted)."""

from __future__ import annotations

import bisect
import re

from corslint.findings import Location

_NEWLINE = re.compile(r"\r\n|\r|\n")  # the line breaks Python's tokenizer counts


class SourceText:
    """A file's text, with where each of its lines starts."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self.line_starts = [0, *(match.end() for match in _NEWLINE.finditer(text))]

    def offset(self, line: int, column: int) -> int | None:
        if not 1 <= line <= len(self.line_starts):
            return None
        start = self.line_starts[line - 1]
        end = self.line_starts[line] if line < len(self.line_starts) else len(self.text)
        offset = start + column - 1
        return offset if start <= offset <= end else None

    def span(self, location: Location) -> tuple[int, int] | None:
        start = self.offset(location.line, location.column)
        end = self.offset(location.end_line, location.end_column)
        if start is None or end is None or end < start:
            return None
        return start, end

    def line_before(self, offset: int) -> str:
        """The text of offset's line up to offset."""
        line_start = self.text.rfind("\n", 0, offset) + 1
        return self.text[line_start:offset]

    def location(self, start: int, end: int) -> Location:
        """The 1-based span of two offsets."""

        def point(offset: int) -> tuple[int, int]:
            line = bisect.bisect_right(self.line_starts, offset)
            return line, offset - self.line_starts[line - 1] + 1

        (line, column), (end_line, end_column) = point(start), point(end)
        return Location(self.path, line, column, end_line, end_column)
