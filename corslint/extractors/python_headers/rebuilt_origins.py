"""The Origin taken apart and put back together: `urlparse(origin)`, then
`f"{parsed.scheme}://{parsed.netloc}"` or `urlparse(o).scheme + "://" + urlparse(o).netloc`."""

from __future__ import annotations

import ast
from dataclasses import replace

from corslint.extractors.python_headers.frame import Frame, Read, dotted
from corslint.extractors.python_headers.request_reads import REFERER_OR_ORIGIN, read_of

_URL_PARSERS = frozenset({"urllib.parse.urlparse", "urllib.parse.urlsplit", "urlparse.urlparse"})


def parsed_origin(frame: Frame, node: ast.expr) -> Read | None:
    """`urlparse(request.headers["Origin"])`: the Origin, taken apart."""
    if (
        isinstance(node, ast.Call)
        and node.args
        and (frame.module.qualified_name(node.func) or "") in _URL_PARSERS
    ):
        read = read_of(frame, node.args[0])
        if read is not None and read.source in {"origin", REFERER_OR_ORIGIN}:
            return replace(read, source="origin")  # taken apart: the page's origin either way
    return None


def rebuilt_origin(frame: Frame, node: ast.JoinedStr | ast.BinOp) -> Read | None:
    """`f"{parsed.scheme}://{parsed.netloc}"`, `urlparse(o).scheme + "://" +
    urlparse(o).netloc`: the Origin put back together, as sent."""
    parts: list[ast.expr] = (
        [p.value if isinstance(p, ast.FormattedValue) else p for p in node.values]
        if isinstance(node, ast.JoinedStr)
        else _added(node)
    )
    if len(parts) != 3 or not (isinstance(parts[1], ast.Constant) and parts[1].value == "://"):
        return None
    found: list[Read | None] = []
    for part, attribute in ((parts[0], "scheme"), (parts[2], "netloc")):
        if not isinstance(part, ast.Attribute) or part.attr != attribute:
            return None
        held = part.value
        found.append(
            parsed_origin(frame, held) if isinstance(held, ast.Call) else frame.parsed.get(dotted(held))
        )
    read = found[0]
    if read is None or read != found[1]:
        return None
    return Read(read.source, read.default, read.missing_error, rebuilt=True)


def _added(node: ast.expr) -> list[ast.expr]:
    """The operands of `a + b + c`, left to right."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return [*_added(node.left), *_added(node.right)]
    return [node]
