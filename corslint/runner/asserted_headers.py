"""Python tests that only check the Access-Control headers a response carries
(`self.assertEqual(r["Access-Control-Allow-Origin"], "*")`,
`assert "x" in response["access-control-expose-headers"]`): python_headers looks for
code that writes those headers, and a test module that names them only in assertions
writes none. 28 such test files cost 0.38 s of CPU on a tree of 54 real projects
(healthchecks' API tests, taiga's, freqtrade's, jupyter_server's), for no finding.

The screen is exact where it answers: every mention of `access-control-` must sit on a
line that is an assertion (`assert ...`, `self.assert...(`) or a comment. A header name
anywhere else (a constant, a dict of headers, a docstring) sends the file to the parser
as before; in a test module, its syntax tree tells a docstring or an assertion's
continuation line from code (asserted_statements.py).

The same holds for JS/TS files that name CORS only in tests and fetch calls: every
mention of what the JS code extractors look for (`cors`, `access-control-`,
`apollo-server`, `startStandaloneServer`) must be in a comment, on an `expect(...)` or
`assert...` line, in the string a supertest `.expect("Access-Control-Allow-Origin", ...)`
opens with, in a test's title (`it("answers cors preflights", ...)`), or be a fetch's
`mode: "cors"`. parse-server's GraphQL spec (0.08 s) is one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from corslint.extractors import EXTRACTORS, Extractor
from corslint.runner.asserted_statements import is_test_module, only_in_inert_statements
from corslint.runner.library_builds import JS_CODE_EXTRACTORS, JS_CODE_SUFFIXES

_NEEDLE = b"access-control-"
_ASSERTION_OR_COMMENT = re.compile(rb"[ \t]*(?:assert\b|self\.assert|#)")
PYTHON_HEADERS = "python_headers"
# every needle of the JS code extractors, lowered: each mention must be a passing one
_JS_NEEDLE_SET = sorted({n.lower() for e in EXTRACTORS if e.name in JS_CODE_EXTRACTORS for n in e.needles})
_JS_NEEDLES = re.compile(b"|".join(re.escape(needle) for needle in _JS_NEEDLE_SET))
# the needles that hold no other needle (`cors` for `enablecors`, `koa-cors`, ...): every
# mention holds one of them, found by `bytes.find` far faster than the alternation searches
_JS_LEAST = tuple(n for n in _JS_NEEDLE_SET if not any(o != n and o in n for o in _JS_NEEDLE_SET))
_JS_LONGEST = max(map(len, _JS_NEEDLE_SET))
# what may stand before a JS mention on its line, searched from the line's start: what
# `_passing` answers, without that search (tests/test_perf7_screens.py holds them alike)
_JS_PASSING = re.compile(
    rb"^[ \t]*(?://|/?\*)"  # a comment line
    rb"|^[ \t]*(?:await[ \t]+)?(?:expect|assert)\b"  # an assertion
    rb"|\.expect\([ \t]*[\"'`][^\"'`\n]*$"  # supertest: .expect("Access-Control-...", ...)
    rb"|^[ \t]*(?:it|test|describe)(?:\.\w+)*\([ \t]*[\"'`][^\"'`\n]*$"  # a test's title
    rb"|\bmode[ \t]*:[ \t]*[\"']$",  # fetch(url, { mode: "cors" })
    re.MULTILINE,  # `^`: the line's start, where the search begins
)
# the same tests, each where it can match: the three that start at the line's start are
# tried there alone, and the two that end at the mention are read backwards from it (the
# search above tried every byte of the line: 28 ms for one mention on a 1.5 MB line)
_JS_PASSING_LINE = re.compile(
    rb"[ \t]*(?://|/?\*)"
    rb"|[ \t]*(?:await[ \t]+)?(?:expect|assert)\b"
    rb"|[ \t]*(?:it|test|describe)(?:\.\w+)*\([ \t]*[\"'`][^\"'`\n]*$"
)


def only_asserted(lowered: bytes) -> bool:
    """Whether every `access-control-` in these lowered bytes is on an assertion or a
    comment line (and there is at least one)."""
    found = lowered.find(_NEEDLE)
    if found < 0:
        return False
    while found >= 0:
        line_start = lowered.rfind(b"\n", 0, found) + 1
        if not _ASSERTION_OR_COMMENT.match(lowered, line_start):
            return False
        found = lowered.find(_NEEDLE, found + len(_NEEDLE))
    return True


def only_in_js_tests(lowered: bytes) -> bool:
    """Whether every JS mention in these lowered bytes is one that configures nothing
    (and there is at least one)."""
    found = False
    for start in _js_mentions(lowered):
        found = True
        if not _passing(lowered, lowered.rfind(b"\n", 0, start) + 1, start):
            return False
    return found


def _passing(lowered: bytes, line_start: int, start: int) -> bool:
    """`_JS_PASSING.search(lowered, line_start, start)`, on a line holding no line break
    before `start`, without trying each byte of it."""
    if _JS_PASSING_LINE.match(lowered, line_start, start):
        return True
    # a supertest `.expect("...`: the string opened at the line's last quote
    quote = max(lowered.rfind(b'"', line_start, start), lowered.rfind(b"'", line_start, start))
    quote = max(quote, lowered.rfind(b"`", line_start, start))
    if quote >= 0 and lowered.endswith(b".expect(", line_start, _blanks_before(lowered, line_start, quote)):
        return True
    # a fetch's `mode: "cors"`: the mention right after the quote
    if start - 1 < line_start or lowered[start - 1] not in b"\"'":
        return False
    colon = _blanks_before(lowered, line_start, start - 1) - 1
    if colon < line_start or lowered[colon] != ord(":"):
        return False
    key = _blanks_before(lowered, line_start, colon) - 4
    return (
        key >= line_start
        and lowered.startswith(b"mode", key)
        and (key == 0 or lowered[key - 1] not in _WORD)  # `\b`
    )


_WORD = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


def _blanks_before(lowered: bytes, line_start: int, end: int) -> int:
    """Where the run of blanks (spaces, tabs) that ends at `end` starts."""
    while end > line_start and lowered[end - 1] in b" \t":
        end -= 1
    return end


def _js_mentions(lowered: bytes) -> Iterator[int]:
    """Where each match of `_JS_NEEDLES.finditer(lowered)` starts, the alternation searched
    only near the next occurrence of one of `_JS_LEAST` (PERF13). No match starts more
    than `_JS_LONGEST - 1` bytes before that occurrence (it would hold an earlier one), and
    the occurrence is itself a match: the search runs over a needle's length at most."""
    upcoming = {needle: lowered.find(needle) for needle in _JS_LEAST}  # -1: none left
    position = 0
    while True:
        nearest = min((at for at in upcoming.values() if at >= 0), default=-1)
        if nearest < 0:
            return
        mention = _JS_NEEDLES.search(lowered, max(position, nearest - _JS_LONGEST + 1))
        assert mention is not None  # `nearest` starts one
        yield mention.start()
        position = mention.end()  # where finditer searches on from
        for needle, at in upcoming.items():
            if 0 <= at < position:
                upcoming[needle] = lowered.find(needle, position)


def without_asserted_headers(
    name: str, lowered: bytes, wanted: tuple[Extractor, ...], source: bytes = b""
) -> tuple[Extractor, ...]:
    """`wanted` without python_headers for a Python file that only asserts CORS headers,
    and without the JS code extractors for a JS/TS file that names CORS only in tests.
    `source`: the bytes `lowered` was made from, for a test module's syntax tree
    (asserted_statements.py; b"": its lines alone)."""
    if name.endswith(".py"):
        if any(e.name == PYTHON_HEADERS for e in wanted) and (
            only_asserted(lowered)
            or (
                source
                and is_test_module(name)
                and only_in_inert_statements(source, lowered, _ASSERTION_OR_COMMENT)
            )
        ):
            return tuple(e for e in wanted if e.name != PYTHON_HEADERS)
        return wanted
    js_code_only = wanted and all(e.name in JS_CODE_EXTRACTORS for e in wanted)
    if name.endswith(JS_CODE_SUFFIXES) and js_code_only and only_in_js_tests(lowered):
        return ()
    return wanted
