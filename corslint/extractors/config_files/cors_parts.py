"""The CORS part of a JSON data file, read with positions; the rest only skipped.

The config-file extractor keeps the mappings under a `cors` key (`cors_mappings`). A
JSON file that passes the prefilter is mostly something else: a mock server's export or
an OpenAPI spec with one `cors` key among thousands of nodes. Read whole with positions,
each node cost a `Value` and a `Location` (a 2.7 MB scanner report: 1.7 s and 30 MB).
Here the members on the way to a `cors` key are read with positions, the `cors` values
whole, and every other member is skipped by `end_of_value` and stands as a placeholder
that holds nothing: the extractor finds the same mappings, at the same lines.
"""

from __future__ import annotations

import bisect
import json
import os
import re

from corslint.extractors.config_files.data_files import read_data
from corslint.extractors.config_files.json_extent import SCALAR, ExtentError, end_of_value
from corslint.extractors.config_files.json_reader import _JsonReader
from corslint.model import Location, Provenance, SourceError, Value

CORS_KEYS = frozenset({"cors", "corsoptions", "cors_options"})  # the keys whose mapping may be options
_CORS_KEY = re.compile(r'"(?:cors|corsoptions|cors_options)"\s*:', re.IGNORECASE)
_PLAIN_STRING = re.compile(r'"[^"\\\x00-\x1f]*+"')
# a key spelt with at least one escape ("\u0063ors"): decoded to tell
_ESCAPED_KEY = re.compile(r'"[^"\\\x00-\x1f]*+(?:\\.[^"\\\x00-\x1f]*+)++"\s*:')
_COUNTED_POSITIONS = 64
# members with a plain key and a scalar value, each followed by a comma and the next key:
# a translation file's or a flat record's thousands of members, skipped in one match (not
# one step each: 5 ms for a 100 KB translation file) up to the next key that may be `cors`
_BLANKS = r"[ \t\r\n]*"
_SCALAR_MEMBER = rf'"[^"\\\x00-\x1f]*+"{_BLANKS}:{_BLANKS}(?:{SCALAR}){_BLANKS},{_BLANKS}(?=")'
_SCALAR_MEMBERS = re.compile(f"(?:{_SCALAR_MEMBER})*+")
_LETTER_ESCAPE = re.compile(r"\\u00[4-7][0-9a-fA-F]")  # how a key's letter or `_` is escaped


def cors_key_offsets(text: str) -> list[int]:
    """Where a key that may be `cors` (any case, any escapes) starts, in order. A match
    inside a string is harmless: it only makes the reader look closer."""
    found = [match.start() for match in _CORS_KEY.finditer(text)]
    if "\\" in text and _LETTER_ESCAPE.search(text):
        for match in _ESCAPED_KEY.finditer(text):
            key = match.group().rstrip()[:-1].rstrip()
            try:
                decoded = json.loads(key)
            except ValueError:
                continue
            if isinstance(decoded, str) and decoded.lower() in CORS_KEYS:
                found.append(match.start())
        found.sort()
    return found


class _CorsPartsReader(_JsonReader):
    """A `_JsonReader` that goes only where a `cors` key is; see the module's docstring."""

    def __init__(self, path: str, text: str, offsets: list[int]) -> None:
        super().__init__(path, "")  # no list of line starts yet: see `position`
        self.text = text
        self.line_starts = []
        self.counted = 0  # positions found by counting newlines
        self.offsets = offsets
        self.guided = True  # False while a `cors` value is read whole
        self.kept = False  # whether a `cors` value was read
        self.placeholder = Value(None, Location.point(path, 1), Provenance.CONFIG_FILE)

    def position(self, index: int) -> tuple[int, int]:
        """Line and column; by counting newlines for the first few (a data file's CORS part
        asks for a few), from the list of line starts, made then, for more."""
        if not self.line_starts:
            if self.counted < _COUNTED_POSITIONS:
                self.counted += 1
                start = self.text.rfind("\n", 0, index) + 1
                return self.text.count("\n", 0, start) + 1, index - start + 1
            self.line_starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        return super().position(index)

    def holds_key(self, start: int, end: int) -> bool:
        at = bisect.bisect_right(self.offsets, start)
        return at < len(self.offsets) and self.offsets[at] < end

    def end_of(self, start: int) -> int:
        try:
            return end_of_value(self.text, start)
        except ExtentError as error:
            self.index = error.index
            raise self.error(str(error)) from None

    def key(self) -> str:
        """A property name: taken as it is written unless it holds an escape. Guided, the
        members before it that hold no `cors` key are passed over first (they would only
        stand as placeholders, which `cors_mappings` passes over too)."""
        if self.guided:
            at = bisect.bisect_left(self.offsets, self.index)
            limit = self.offsets[at] if at < len(self.offsets) else len(self.text)
            self.index = _SCALAR_MEMBERS.match(self.text, self.index, limit).end()  # type: ignore[union-attr]
        match = _PLAIN_STRING.match(self.text, self.index)
        if match is None:
            return self.string()
        self.index = match.end()
        return match.group()[1:-1]

    def member(self, key: str, depth: int) -> Value:
        """A `cors` member is read whole; any other only as far as it may hold one, and
        skipped (a placeholder) when it cannot."""
        if not self.guided:
            return super().member(key, depth)
        self.skip()
        start = self.index
        if key.lower() in CORS_KEYS:
            self.guided = False
            try:
                kept = self.value(depth + 1)
            finally:
                self.guided = True
            # only a mapping can hold options: a file whose `cors` is `true` or a word (a
            # translation) yields nothing whether it is valid JSON or not
            self.kept = self.kept or isinstance(kept.raw, dict)
            return kept
        end = self.end_of(start)
        if self.text.startswith("{", start) and self.holds_key(start, end):
            return self.value(depth + 1)
        self.index = end
        return self.placeholder


def read_json_cors_parts(path: str, text: str) -> Value | None:
    """The file as `read_json` reads it, as far as `cors_mappings` looks: None when no
    `cors` key can be in it (nothing parsed), else placeholders for what holds none."""
    text = text.lstrip("\ufeff")
    offsets = cors_key_offsets(text)
    if not offsets:
        return None
    reader = _CorsPartsReader(path, text, offsets)
    reader.skip()
    if not reader.text.startswith("{", reader.index):
        return None  # a list or a scalar: no key at the top, and lists are not searched
    value = reader.value()
    reader.skip()
    if reader.index != len(reader.text):
        raise reader.error("extra data after the value")
    if reader.kept:
        # what was skipped was only bracket-counted: the whole file must be JSON, as for
        # `read_json` (in C, and only for the rare file that has a `cors` value)
        try:
            json.loads(text, parse_constant=_no_constant)
        except ValueError as error:
            raise SourceError(f"invalid JSON: {error}") from None
    return value


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def read_cors_parts(path: str, text: str) -> Value | None:
    """A data file as far as `cors_mappings` looks: JSON by its CORS part, YAML and TOML whole."""
    if os.path.splitext(path)[1].lower() == ".json":
        return read_json_cors_parts(path, text)
    return read_data(path, text)
