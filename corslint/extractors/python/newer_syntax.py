"""Syntax of newer Pythons made readable by the parser corslint runs on (3.11).

- Python 3.12 f-strings (PEP 701): a replacement field may reuse the f-string's own
  quote (`f"{os.getenv("DEBUG", "0")}"`) or hold a backslash. Such an f-string is
  rewritten, on its own line and at the same width, into one whose value is unknown
  (`f"{PEP701_F_STRING}"`).
- Python 3.14 `except` clauses naming several types without parentheses (PEP 758:
  `except KeyError, ValueError:`) get their parentheses.

The rest of the file is then read, every other line and column where it was. Nothing
else is rewritten: a file that is invalid for another reason still fails to parse."""

from __future__ import annotations

import re

_PREFIX = re.compile(r"(?i)(?<![\w.])(rf|fr|f|rb|br|r|b|u)?$")
_NAME = "PEP701_F_STRING"


# `except A, B:` (no `as`): a name list that a 3.11 parser rejects
_BARE_EXCEPT = re.compile(
    r"^(?P<head>[ \t]*except)[ \t](?P<names>[A-Za-z_][\w.]*(?:[ \t]*,[ \t]*[A-Za-z_][\w.]*)+)"
    r"(?P<gap>[ \t]*):",
    re.MULTILINE,
)


def rewritten(text: str) -> str | None:
    """`text` with what only a newer Python reads made readable, or None when there is
    nothing to rewrite."""
    newer = _fstrings_rewritten(text)
    excepts = _BARE_EXCEPT.sub(_parenthesized, newer if newer is not None else text)
    if excepts != (newer if newer is not None else text):
        return excepts
    return newer


def _parenthesized(match: re.Match[str]) -> str:
    gap = match.group("gap")
    # `except(A, B):` keeps the width where a blank before the colon can give way
    return f"{match.group('head')}({match.group('names')}){gap[1:]}:"


def _fstrings_rewritten(text: str) -> str | None:
    """`text` with each f-string that only Python 3.12+ reads replaced, or None when
    there is none (or the scan cannot tell where one ends)."""
    out: list[str] = []
    done = 0
    index = 0
    changed = False
    length = len(text)
    while index < length:
        char = text[index]
        if char == "#":
            newline = text.find("\n", index)
            index = length if newline < 0 else newline
            continue
        if char not in "\"'":
            index += 1
            continue
        prefix = _PREFIX.search(text, max(0, index - 2), index)
        letters = (prefix.group(1) or "") if prefix else ""
        start = index - len(letters)
        quote = text[index : index + 3] if text.startswith(char * 3, index) else char
        if "f" in letters.lower():
            scan = _FString(text)
            end = scan.string_end(index + len(quote), quote)
            if end is None:
                return None
            if scan.newer_syntax and "\n" not in text[start:end]:
                out.append(text[done:start])
                out.append(_stand_in(end - start))
                done = end
                changed = True
        else:
            end = _plain_end(text, index + len(quote), quote)
            if end is None:
                return None
        index = end
    if not changed:
        return None
    out.append(text[done:])
    return "".join(out)


def _stand_in(width: int) -> str:
    """An f-string of unknown value exactly `width` characters wide (the f-string it
    replaces holds at least two quotes of its own inside, so it is wide enough)."""
    name = _NAME[: max(1, width - 5)]
    return f'f"{{{name}}}"'.ljust(width)


def _plain_end(text: str, index: int, quote: str) -> int | None:
    """The index after the closing quote of a string that is not an f-string."""
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text.startswith(quote, index):
            return index + len(quote)
        if text[index] == "\n" and len(quote) == 1:
            return None
        index += 1
    return None


class _FString:
    """Finds where an f-string ends under PEP 701, noting whether an older parser
    would reject it (its own quote, or a backslash, inside a replacement field)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.newer_syntax = False
        self._outer: str | None = None

    def string_end(self, index: int, quote: str) -> int | None:
        text = self.text
        if self._outer is None:
            self._outer = quote
        while index < len(text):
            char = text[index]
            if char == "\\":
                index += 2
                continue
            if text.startswith(quote, index):
                return index + len(quote)
            if char == "\n" and len(quote) == 1:
                return None
            if char == "{":
                if text.startswith("{{", index):
                    index += 2
                    continue
                found = self._field_end(index + 1)
                if found is None:
                    return None
                index = found
                continue
            index += 1
        return None

    def _field_end(self, index: int) -> int | None:
        """The index after the `}` closing a replacement field that starts at `index`."""
        text = self.text
        depth = 0
        while index < len(text):
            char = text[index]
            if char in "([{":
                depth += 1
            elif char in ")]":
                depth -= 1
            elif char == "}":
                if depth == 0:
                    return index + 1
                depth -= 1
            elif char == "\\":
                self.newer_syntax = True
            elif char == "#":
                return None  # a comment inside a field: too rare to read here
            elif char == ":" and depth == 0 and not text.startswith(":=", index):
                return self._spec_end(index + 1)
            elif char in "\"'":
                found = self._nested_string_end(index)
                if found is None:
                    return None
                index = found
                continue
            index += 1
        return None

    def _spec_end(self, index: int) -> int | None:
        """The index after the `}` that closes a format spec (which may nest fields)."""
        text = self.text
        while index < len(text):
            char = text[index]
            if char == "}":
                return index + 1
            if char == "{":
                found = self._field_end(index + 1)
                if found is None:
                    return None
                index = found
                continue
            if char == "\n":
                return None
            index += 1
        return None

    def _nested_string_end(self, index: int) -> int | None:
        text = self.text
        char = text[index]
        prefix = _PREFIX.search(text, max(0, index - 2), index)
        letters = (prefix.group(1) or "") if prefix else ""
        quote = text[index : index + 3] if text.startswith(char * 3, index) else char
        outer = self._outer
        # inside a triple-quoted f-string, a single quote of the same kind was always fine
        if outer is not None and (quote == outer or (len(outer) == 1 and char == outer)):
            self.newer_syntax = True
        if "f" in letters.lower():
            return self.string_end(index + len(quote), quote)
        return _plain_end(text, index + len(quote), quote)
