"""Deployment switches in hand-written CORS code: `if allowCrossOrigin:`,
`if settings.CORS_ENABLED:`. The test reads nothing of the request and names CORS, so
what the code does once the switch is on is what is judged (seen in OctoPrint's
`corsResponseHandler`, opt-in through the `api.allowCrossOrigin` setting). Any other
undecidable test stays undecided (CORS305): a `DEBUG` switch, an allow-list computed
by a function."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

from corslint.extractors.python_headers.frame import Frame, Read, dotted

_SWITCH_WORDS = re.compile(r"cors|cross_?origin", re.IGNORECASE)
# a switch that turns CORS off (`if not settings.DISABLE_CORS:`): off while CORS is on
_OFF_WORDS = re.compile(r"disabl|no_?cors|skip|without", re.IGNORECASE)


def cors_switch(
    frame: Frame, test: ast.expr, read_of: Callable[[Frame, ast.expr], Read | None]
) -> bool | None:
    """The value of `test` with CORS switched on, when it is such a switch (None: it is
    not); `read_of`: how the code reads request headers."""
    text = frame.module.source(test)
    if not _SWITCH_WORDS.search(text) or isinstance(test, (ast.BoolOp, ast.UnaryOp, ast.Compare)):
        return None
    for node in ast.walk(test):
        if not isinstance(node, (ast.Name, ast.Attribute, ast.Subscript, ast.Call)):
            continue
        if read_of(frame, node) is not None:
            return None
        name = dotted(node) if isinstance(node, (ast.Name, ast.Attribute)) else ""
        if name and (frame.is_request(node) or name.split(".", 1)[0] in frame.requests):
            return None
        if isinstance(node, ast.Name) and (
            node.id in frame.conditions
            or any(isinstance(a.value, Read) for a in frame.values.get(node.id, []))
        ):
            return None
    return not _OFF_WORDS.search(text)
