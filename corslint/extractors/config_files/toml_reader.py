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

    def table_line(keys: list[str], after: int) -> int:
        """The line of the first `[keys]` or `[[keys]]` header from `after` on (an array of
        tables' items each start at their own `[[keys]]`: Netlify's `[[headers]]`)."""
        header = re.compile(r"^\s*\[\[?\s*" + r"\s*\.\s*".join(re.escape(k) for k in keys) + r"\s*\]")
        for number in range(after, len(lines)):
            if header.match(lines[number]):
                return number
        return after

    def convert(raw: Any, location: Location, keys: list[str], after: int = 0) -> Value:
        if isinstance(raw, dict):
            start = table_line(keys, after) if keys else 0
            return Value(
                {k: convert(v, find(k, start), [*keys, k], start) for k, v in raw.items()},
                location,
                Provenance.CONFIG_FILE,
            )
        if isinstance(raw, list) and len(raw) > MAX_LIST_ENTRIES:  # undetermined, said so (CORS305)
            return Value(None, location, Provenance.UNKNOWN, description=TOO_LONG)
        if isinstance(raw, list):
            items = []
            for item in raw:
                items.append(convert(item, location, keys, after))
                if isinstance(item, dict):  # the next item's `[[keys]]` comes after this one's
                    after = table_line(keys, after) + 1
            return Value(tuple(items), location, Provenance.CONFIG_FILE)
        if not isinstance(raw, (str, int, float, bool)):
            raw = str(raw)
        return Value(raw, location, Provenance.CONFIG_FILE)

    return convert(data, Location.point(path, 1), [])
