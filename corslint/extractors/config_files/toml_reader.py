"""TOML with positions: tomllib/tomli for the values, the text for their lines."""

from __future__ import annotations

import re
import sys
from typing import Any

from corslint.extractors.config_files.list_limit import MAX_LIST_ENTRIES, TOO_LONG
from corslint.model import Location, Provenance, SourceError, Value


def read_toml(path: str, text: str) -> Value:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SourceError(f"invalid TOML: {error}") from None
    lines = text.splitlines()

    def find(key: str, after: int) -> Location:
        pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
        for number in range(after, len(lines)):
            if pattern.match(lines[number]):
                column = len(lines[number]) - len(lines[number].lstrip()) + 1
                return Location(path, number + 1, column, number + 1, len(lines[number]) + 1)
        return Location.point(path, after + 1 if after < len(lines) else 1)

    def table_line(keys: list[str]) -> int:
        header = re.compile(r"^\s*\[\s*" + r"\s*\.\s*".join(re.escape(k) for k in keys) + r"\s*\]")
        for number, line in enumerate(lines):
            if header.match(line):
                return number
        return 0

    def convert(raw: Any, location: Location, keys: list[str]) -> Value:
        if isinstance(raw, dict):
            start = table_line(keys) if keys else 0
            return Value(
                {k: convert(v, find(k, start), [*keys, k]) for k, v in raw.items()},
                location,
                Provenance.CONFIG_FILE,
            )
        if isinstance(raw, list) and len(raw) > MAX_LIST_ENTRIES:  # undetermined, said so (CORS305)
            return Value(None, location, Provenance.UNKNOWN, description=TOO_LONG)
        if isinstance(raw, list):
            return Value(
                tuple(convert(item, location, keys) for item in raw), location, Provenance.CONFIG_FILE
            )
        if not isinstance(raw, (str, int, float, bool)):
            raw = str(raw)
        return Value(raw, location, Provenance.CONFIG_FILE)

    return convert(data, Location.point(path, 1), [])
