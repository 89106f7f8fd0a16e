"""CORS_URLS_REGEX: which paths it scopes CORS to, one path it matches, and whether it
matches any of the app's routes."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from typing import Any

import corslint.frameworks.bounded_regex as bounded_regex
from corslint.model import Evidence, Regex, Value

if sys.version_info >= (3, 11):
    from re import _parser as sre_parse
else:
    import sre_parse


_RE_FLAGS = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE, "a": re.ASCII}


def unscoped_routes(regex: Value | None, paths: list[str]) -> Iterator[Evidence]:
    """CORS_URLS_REGEX matching none of the app's (fully known) URL patterns."""
    if regex is None or not regex.known or not paths or any("?" in path for path in paths):
        return
    raw = regex.raw
    try:
        pattern = re.compile(raw.pattern, _flags(raw.flags)) if isinstance(raw, Regex) else re.compile(raw)
    except (re.error, TypeError):
        return
    try:
        matched = any(bounded_regex.match(pattern, path) for path in paths)
    except bounded_regex.PatternTimeout:  # reported at the option: CORS001 (bounded_regex)
        return
    if not matched:
        shown = ", ".join(paths[:3])
        yield Evidence(
            "not-applied",
            f"CORS_URLS_REGEX matches none of the app's routes ({shown} ...), so no response gets CORS headers",
            regex.location,
            whole_layer=True,
        )


def _flags(letters: str) -> int:
    flags = 0
    for letter in letters:
        flags |= _RE_FLAGS.get(letter, 0)
    return flags


def scope_of(value: Value | None) -> tuple[str, str]:
    """CORS_URLS_REGEX: a description for messages and one path it matches."""
    if value is None or not value.known:
        return "", "/"
    raw = value.raw
    pattern = raw.pattern if isinstance(raw, Regex) else raw
    if not isinstance(pattern, str):
        return "", "/"
    flags = _flags(raw.flags) if isinstance(raw, Regex) else 0
    try:
        compiled = re.compile(pattern, flags)
    except re.error:
        return "", "/"
    sample = _sample(pattern, flags)
    candidates = [sample, "/" + sample.lstrip("/"), sample + "x/"] if sample is not None else []
    for candidate in [*candidates, "/", "/api/"]:
        if compiled.match(candidate):
            return (
                "" if candidate == "/" and compiled.match("/anything/") else f"paths matching `{pattern}`"
            ), candidate
    return f"paths matching `{pattern}`", "/"


def _sample(pattern: str, flags: int) -> str | None:
    """A short string the pattern matches, built from its parse tree (a request path)."""
    try:
        parsed: Any = sre_parse.parse(pattern, flags)
        return _emit(list(parsed.data), 0)
    except Exception:  # an exotic construct: fall back to trying common paths
        return None


def _emit(items: list[Any], depth: int) -> str:
    if depth > 20:
        raise RecursionError
    out: list[str] = []
    for op, argument in items:
        name = str(op)
        if name == "LITERAL":
            out.append(chr(argument))
        elif name in {"NOT_LITERAL", "ANY"}:
            out.append("x" if argument != ord("x") else "y")
        elif name == "IN":
            out.append(_first_of(argument))
        elif name in {"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"}:
            low, _high, sub = argument
            out.append(_emit(list(sub.data), depth + 1) * low)
        elif name == "SUBPATTERN":
            out.append(_emit(list(argument[-1].data), depth + 1))
        elif name == "ATOMIC_GROUP":
            out.append(_emit(list(argument.data), depth + 1))
        elif name == "BRANCH":
            out.append(_emit(list(argument[1][0].data), depth + 1))
        elif name == "CATEGORY":
            out.append(_category(str(argument)))
    return "".join(out)


def _first_of(members: list[Any]) -> str:
    op, argument = members[0]
    name = str(op)
    if name == "LITERAL":
        return chr(argument)
    if name == "RANGE":
        return chr(argument[0])
    if name == "CATEGORY":
        return _category(str(argument))
    return "x"


def _category(name: str) -> str:
    if "DIGIT" in name:
        return "0" if "NOT" not in name else "x"
    if "SPACE" in name:
        return " " if "NOT" not in name else "x"
    return "a" if "NOT" not in name else "-"
