"""JSON with positions: a small reader that keeps each value's lines (the standard
library drops positions)."""

from __future__ import annotations

import re
from typing import Any

from corslint.extractors.config_files.json_extent import ExtentError, end_of_value
from corslint.extractors.config_files.list_limit import MAX_LIST_ENTRIES, TOO_LONG
from corslint.model import Location, Provenance, SourceError, Value


class _JsonReader:
    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self.index = 0
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def position(self, index: int) -> tuple[int, int]:
        low, high = 0, len(self.line_starts) - 1
        while low < high:
            middle = (low + high + 1) // 2
            if self.line_starts[middle] <= index:
                low = middle
            else:
                high = middle - 1
        return low + 1, index - self.line_starts[low] + 1

    def error(self, message: str) -> SourceError:
        line, column = self.position(min(self.index, len(self.text)))
        return SourceError(f"invalid JSON: {message}", line, column)

    def skip(self) -> None:
        text = self.text
        while self.index < len(text) and text[self.index] in " \t\r\n":
            self.index += 1

    def location(self, start: int, end: int) -> Location:
        line, column = self.position(start)
        end_line, end_column = self.position(end)
        return Location(self.path, line, column, end_line, end_column)

    def value(self, depth: int = 0) -> Value:
        if depth > 200:
            raise self.error("nested too deeply")
        self.skip()
        if self.index >= len(self.text):
            raise self.error("unexpected end of file")
        start = self.index
        char = self.text[start]
        raw: Any
        if char == "{":
            raw = self.object(depth)
        elif char == "[":
            raw = self.array(depth)
            if raw is None:
                return Value(None, self.location(start, self.index), Provenance.UNKNOWN, description=TOO_LONG)
        elif char == '"':
            raw = self.string()
        else:
            match = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null").match(
                self.text, start
            )
            if match is None:
                raise self.error(f"unexpected character {char!r}")
            self.index = match.end()
            token = match.group()
            literals: dict[str, Any] = {"true": True, "false": False, "null": None}
            if token in literals:
                raw = literals[token]
            elif any(c in token for c in ".eE"):
                raw = float(token)
            else:
                raw = int(token)
        return Value(raw, self.location(start, self.index), Provenance.CONFIG_FILE)

    def string(self) -> str:
        import json

        match = re.compile(r'"(?:[^"\\\x00-\x1f]|\\.)*"', re.DOTALL).match(self.text, self.index)
        if match is None:
            raise self.error("unterminated string")
        self.index = match.end()
        try:
            decoded: str = json.loads(match.group())
        except ValueError as error:
            raise self.error(str(error)) from None
        return decoded

    def expect(self, char: str) -> None:
        self.skip()
        if self.index >= len(self.text) or self.text[self.index] != char:
            raise self.error(f"expected {char!r}")
        self.index += 1

    def key(self) -> str:
        """A property name."""
        return self.string()

    def member(self, key: str, depth: int) -> Value:
        """The value of property `key` of an object at `depth`."""
        return self.value(depth + 1)

    def object(self, depth: int) -> dict[str, Value]:
        self.index += 1
        entries: dict[str, Value] = {}
        self.skip()
        if self.text.startswith("}", self.index):
            self.index += 1
            return entries
        while True:
            self.skip()
            if not self.text.startswith('"', self.index):
                raise self.error("expected a property name")
            key = self.key()
            self.expect(":")
            entries[key] = self.member(key, depth)
            self.skip()
            if self.text.startswith(",", self.index):
                self.index += 1
                continue
            self.expect("}")
            return entries

    def array(self, depth: int) -> tuple[Value, ...] | None:
        start = self.index
        self.index += 1
        items: list[Value] = []
        self.skip()
        if self.text.startswith("]", self.index):
            self.index += 1
            return ()
        while True:
            items.append(self.value(depth + 1))
            self.skip()
            if self.text.startswith(",", self.index):
                self.index += 1
                if len(items) == MAX_LIST_ENTRIES:  # the rest skipped: None, too long
                    try:
                        self.index = end_of_value(self.text, start)
                    except ExtentError as error:
                        self.index = error.index
                        raise self.error(str(error)) from None
                    return None
                continue
            self.expect("]")
            return tuple(items)


def read_json(path: str, text: str) -> Value:
    reader = _JsonReader(path, text.lstrip("\ufeff"))
    value = reader.value()
    reader.skip()
    if reader.index != len(reader.text):
        raise reader.error("extra data after the value")
    return value
