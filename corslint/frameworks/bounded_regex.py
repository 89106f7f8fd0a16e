"""Regular expressions taken from linted code, matched with a time limit.

A pattern written to backtrack (`https://(a|aa)+\\.com`) can take longer than the age
of the universe on an origin a few dozen characters long. The framework models match
every such pattern through here: with the `regex` package, which gives up after a
`timeout`, so a hostile pattern costs at most that long and never the whole file (a
worker that overran its 30 s limit used to turn every finding of the file into one
CORS001 warning).

Semantics are the library's own: a pattern is compiled by `re` first, so whatever `re`
refuses is refused as before (`re.error`), and what `re` accepts is matched by `regex`
in its VERSION0 mode, which is `re`'s behaviour (the differential tests compare the
models with the real libraries). JavaScript patterns reach here already translated to
Python syntax (`express.python_regex`).

A pattern that times out, or that `regex` cannot read although `re` can, raises
`PatternTimeout` (a ValueError, so a probe that meets it has no answer) and is
remembered: every later match with it fails at once, and `unevaluated` lets the engine
report it as CORS001 at the option that holds it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from corslint.findings import Diagnostic
from corslint.model import Regex

if TYPE_CHECKING:
    from corslint.model import CorsPolicy

MATCH_SECONDS = 1.0  # per match; a real origin pattern takes microseconds
_FLAGS = ("IGNORECASE", "MULTILINE", "DOTALL", "VERBOSE", "ASCII")  # re's, and regex's of the same name
_COMPILED: dict[tuple[str, int], Any] = {}
_MAX_COMPILED = 4096
UNEVALUATED: set[str] = set()  # patterns that timed out in this process


class PatternTimeout(ValueError):
    """A pattern from the linted code could not be evaluated within the time limit."""

    def __init__(self, pattern: str) -> None:
        super().__init__(f"the pattern {pattern!r} could not be evaluated within {MATCH_SECONDS:g} s")
        self.pattern = pattern


def _bounded(pattern: str | re.Pattern[str], flags: int) -> Any:
    if isinstance(pattern, re.Pattern):
        source, flags = pattern.pattern, pattern.flags | flags
    else:
        source = pattern
        flags = re.compile(source, flags).flags  # re's verdict on the syntax, and its flags
    if source in UNEVALUATED:
        raise PatternTimeout(source)
    key = (source, flags)
    compiled = _COMPILED.get(key)
    if compiled is None:
        import regex  # here: most projects hold no pattern, and it costs 15 ms to import

        bits = regex.VERSION0
        for name in _FLAGS:
            if flags & getattr(re, name):
                bits |= getattr(regex, name)
        try:
            compiled = regex.compile(source, bits)
        except (regex.error, ValueError, OverflowError, RecursionError):
            UNEVALUATED.add(source)  # re reads it, regex cannot: no bounded answer to give
            raise PatternTimeout(source) from None
        if len(_COMPILED) >= _MAX_COMPILED:
            _COMPILED.clear()
        _COMPILED[key] = compiled
    return compiled


def _run(method: str, pattern: str | re.Pattern[str], text: str, flags: int) -> Any:
    compiled = _bounded(pattern, flags)
    try:
        return getattr(compiled, method)(text, timeout=MATCH_SECONDS)
    except TimeoutError:
        source = compiled.pattern
        UNEVALUATED.add(source)
        raise PatternTimeout(source) from None


def match(pattern: str | re.Pattern[str], text: str, flags: int = 0) -> Any:
    """`re.match`, bounded in time."""
    return _run("match", pattern, text, flags)


def search(pattern: str | re.Pattern[str], text: str, flags: int = 0) -> Any:
    """`re.search`, bounded in time."""
    return _run("search", pattern, text, flags)


def fullmatch(pattern: str | re.Pattern[str], text: str, flags: int = 0) -> Any:
    """`re.fullmatch`, bounded in time."""
    return _run("fullmatch", pattern, text, flags)


_JS_NAMED_GROUP = re.compile(r"\(\?<(?![=!])")


def unevaluated_patterns(policies: Iterable[CorsPolicy]) -> list[Diagnostic]:
    """CORS001 at each option value of `policies` holding a pattern that could not be
    evaluated: what the policy lets through is then not known, and a file that could not
    be checked must never leave a run green. (A JavaScript pattern is matched as
    translated for Python: its named groups `(?<name>` as `(?P<name>`.)"""
    if not UNEVALUATED:
        return []
    found: list[Diagnostic] = []
    for policy in policies:
        for option in policy.options.values():
            for value in option.walk():
                raw = value.raw
                text = raw.pattern if isinstance(raw, Regex) else raw if isinstance(raw, str) else None
                if text is None or not {text, _JS_NAMED_GROUP.sub("(?P<", text)} & UNEVALUATED:
                    continue
                diagnostic = Diagnostic(
                    "CORS001",
                    f"the pattern could not be evaluated within {MATCH_SECONDS:g} s (it backtracks "
                    "catastrophically): which origins it admits was not checked, and the library "
                    "would spend as long on a request that sends a long Origin",
                    value.location,
                )
                if diagnostic not in found:
                    found.append(diagnostic)
    return found
