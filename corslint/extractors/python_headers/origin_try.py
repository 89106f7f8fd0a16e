"""`try: origin = request.headers["Origin"] except KeyError: origin = "*"`: the handler
runs exactly when the request has no Origin header (a subscript read of a missing header
raises KeyError), so the request does not fail (Flask 3.1, measured: 200 with the
handler's values); the body's statements hold for requests with an Origin."""

from __future__ import annotations

import ast

from corslint.extractors.python_headers.frame import Frame, dotted
from corslint.extractors.python_headers.request_reads import read_of

# exceptions a handler names that catch a KeyError
_CATCHING = frozenset({"KeyError", "LookupError", "Exception", "BaseException"})


def origin_handler(frame: Frame, statement: ast.Try) -> list[ast.stmt] | None:
    """The handler body that answers a missing Origin, when the try body's first
    statement reads the Origin header by subscript and a handler catches KeyError."""
    if not statement.body or not statement.handlers:
        return None
    first = statement.body[0]
    if not isinstance(first, ast.Assign) or len(first.targets) != 1:
        return None
    read = read_of(frame, first.value)
    if read is None or read.source != "origin" or not read.missing_error:
        return None
    for handler in statement.handlers:
        if _catches_key_error(handler.type):
            return handler.body
    return None


def _catches_key_error(node: ast.expr | None) -> bool:
    if node is None:
        return True  # a bare `except:`
    if isinstance(node, ast.Tuple):
        return any(_catches_key_error(item) for item in node.elts)
    return dotted(node).rsplit(".", 1)[-1] in _CATCHING
