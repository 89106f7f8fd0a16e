"""Python test modules whose Access-Control header names sit in docstrings and in
assertions that span lines, which the line screen of asserted_headers.py cannot tell
from code: ckan's CORS tests say "no Access-Control-Allow headers in the response" in
each test's docstring and check values with `assert (\\n    response_headers["..."]\\n
== "...")`. python_headers read that module for 0.09 s of CPU and found nothing.

The module's syntax tree tells them apart exactly: every `access-control-` must be on a
line the line screen passes (an assertion or a comment), or inside an `assert`
statement, a `self.assert...(...)` statement or a statement that is a string alone (a
docstring). Anything else (a header dict, a raw response in a string that is assigned,
returned or passed) sends the module to the parser as before. The tree is built only for
a module named as a test whose lines the line screen did not pass (2 of the 32 Python
files that name these headers on a tree of 54 real projects), so that a module that
writes headers is not parsed twice.
"""

from __future__ import annotations

import ast
import re
import warnings

_NEEDLE = b"access-control-"


def is_test_module(name: str) -> bool:
    """pytest's and unittest's names for test modules."""
    return name.startswith("test") or name.endswith(("_test.py", "_tests.py"))


def only_in_inert_statements(source: bytes, lowered: bytes, passing_line: re.Pattern[bytes]) -> bool:
    """Whether every `access-control-` in `lowered` (the bytes of the Python module
    `source`, lowered) is on a line `passing_line` matches at its start, or inside an
    assertion or a docstring (and there is at least one). False for a module that does
    not parse."""
    found = lowered.find(_NEEDLE)
    # `\r`: lines as Python counts them, not as here; a byte-order mark: columns shifted on line 1
    if found < 0 or b"\r" in lowered or source.startswith(b"\xef\xbb\xbf"):
        return False
    try:
        with warnings.catch_warnings():  # invalid escapes warn as they are parsed
            warnings.simplefilter("ignore")
            tree = ast.parse(source.decode("utf-8"))
    except (SyntaxError, UnicodeDecodeError, ValueError, RecursionError, MemoryError):
        return False
    # (first line, column, last line, end column), columns in UTF-8 bytes as ast counts them
    spans = [
        (node.lineno, node.col_offset, node.end_lineno or node.lineno, node.end_col_offset or 0)
        for node in ast.walk(tree)
        if isinstance(node, ast.stmt) and _inert(node)
    ]
    line, counted = 1, 0  # the line number at offset `counted`
    while found >= 0:
        line_start = lowered.rfind(b"\n", 0, found) + 1
        if not passing_line.match(lowered, line_start):
            line += lowered.count(b"\n", counted, line_start)
            counted = line_start
            column = found - line_start
            end = column + len(_NEEDLE)
            if not any(
                (first, start) <= (line, column) and (line, end) <= (last, stop)
                for first, start, last, stop in spans
            ):
                return False
        found = lowered.find(_NEEDLE, found + len(_NEEDLE))
    return True


def _inert(node: ast.stmt) -> bool:
    """An `assert`, a `self.assert...(...)` call standing alone, or a string standing alone."""
    if isinstance(node, ast.Assert):
        return True
    if not isinstance(node, ast.Expr):
        return False
    value = node.value
    if isinstance(value, ast.Constant):
        return isinstance(value.value, str)
    return (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and isinstance(value.func.value, ast.Name)
        and value.func.value.id == "self"
        and value.func.attr.startswith("assert")
    )
