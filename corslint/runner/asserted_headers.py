"""Python tests that only check the Access-Control headers a response carries
(`self.assertEqual(r["Access-Control-Allow-Origin"], "*")`,
`assert "x" in response["access-control-expose-headers"]`): python_headers looks for
code that writes those headers, and a test module that names them only in assertions
writes none. 28 such test files cost 0.38 s of CPU on a tree of 54 real projects
(healthchecks' API tests, taiga's, freqtrade's, jupyter_server's), for no finding.

The screen is exact where it answers: every mention of `access-control-` must sit on a
line that is an assertion (`assert ...`, `self.assert...(`) or a comment. A header name
anywhere else (a constant, a dict of headers, a docstring) sends the file to the parser
as before.

The same holds for JS/TS files that name CORS only in tests and fetch calls: every
mention of what the JS code extractors look for (`cors`, `access-control-`,
`apollo-server`, `startStandaloneServer`) must be in a comment, on an `expect(...)` or
`assert...` line, in the string a supertest `.expect("Access-Control-Allow-Origin", ...)`
opens with, in a test's title (`it("answers cors preflights", ...)`), or be a fetch's
`mode: "cors"`. parse-server's GraphQL spec (0.08 s) is one.
"""

from __future__ import annotations

import re

from corslint.extractors import EXTRACTORS, Extractor
from corslint.runner.library_builds import JS_CODE_EXTRACTORS, JS_CODE_SUFFIXES

_NEEDLE = b"access-control-"
_ASSERTION_OR_COMMENT = re.compile(rb"[ \t]*(?:assert\b|self\.assert|#)")
PYTHON_HEADERS = "python_headers"
# every needle of the JS code extractors, lowered: each mention must be a passing one
_JS_NEEDLES = re.compile(
    b"|".join(
        re.escape(needle)
        for needle in sorted(
            {n.lower() for e in EXTRACTORS if e.name in JS_CODE_EXTRACTORS for n in e.needles}
        )
    )
)
# what may stand before a JS mention on its line (searched in the text from the line start)
_JS_PASSING = re.compile(
    rb"^[ \t]*(?://|/?\*)"  # a comment line
    rb"|^[ \t]*(?:await[ \t]+)?(?:expect|assert)\b"  # an assertion
    rb"|\.expect\([ \t]*[\"'`][^\"'`\n]*$"  # supertest: .expect("Access-Control-...", ...)
    rb"|^[ \t]*(?:it|test|describe)(?:\.\w+)*\([ \t]*[\"'`][^\"'`\n]*$"  # a test's title
    rb"|\bmode[ \t]*:[ \t]*[\"']$",  # fetch(url, { mode: "cors" })
    re.MULTILINE,  # `^`: the line's start, where the search begins
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
    for mention in _JS_NEEDLES.finditer(lowered):
        found = True
        line_start = lowered.rfind(b"\n", 0, mention.start()) + 1
        if not _JS_PASSING.search(lowered, line_start, mention.start()):
            return False
    return found


def without_asserted_headers(
    name: str, lowered: bytes, wanted: tuple[Extractor, ...]
) -> tuple[Extractor, ...]:
    """`wanted` without python_headers for a Python file that only asserts CORS headers,
    and without the JS code extractors for a JS/TS file that names CORS only in tests."""
    if name.endswith(".py"):
        if any(e.name == PYTHON_HEADERS for e in wanted) and only_asserted(lowered):
            return tuple(e for e in wanted if e.name != PYTHON_HEADERS)
        return wanted
    js_code_only = wanted and all(e.name in JS_CODE_EXTRACTORS for e in wanted)
    if name.endswith(JS_CODE_SUFFIXES) and js_code_only and only_in_js_tests(lowered):
        return ()
    return wanted
