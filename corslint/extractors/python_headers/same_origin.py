"""A test of whether the request comes from the server's own site: `if
origin.lower().endswith("//" + host.lower()): return` (DataBooster/PyWebApi
pywebapi/cors.py, `host` read from the Host header, else the URL's netloc), `origin ==
request.host_url`. A cross-origin request, the only kind CORS is about, never passes it: the
test is false for every request the model is asked about."""

from __future__ import annotations

import ast
from collections.abc import Callable

from corslint.extractors.python_headers.frame import Frame, Read, unwrap

_HOST_WORDS = ("host", "netloc")
_CASE = frozenset({"lower", "upper", "casefold", "strip"})


def same_origin_test(
    frame: Frame, test: ast.expr, read_of: Callable[[Frame, ast.expr], Read | None]
) -> bool | None:
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.Eq, ast.NotEq)):
        sides = (test.left, test.comparators[0])
        equal = isinstance(test.ops[0], ast.Eq)
    elif (
        isinstance(test, ast.Call)
        and isinstance(test.func, ast.Attribute)
        and test.func.attr == "endswith"
        and len(test.args) == 1
        and not test.keywords
    ):
        sides, equal = (test.func.value, test.args[0]), True
    else:
        return None
    for mine, other in (sides, sides[::-1]):
        read = read_of(frame, _bare(mine))
        if read is not None and read.source == "origin" and _is_host(frame, other, read_of):
            return not equal
    return None


def _bare(node: ast.expr) -> ast.expr:
    """`origin.lower()` compares the same header as `origin`."""
    node = unwrap(node)
    while (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in _CASE
        and not node.args
    ):
        node = unwrap(node.func.value)
    return node


def _is_host(frame: Frame, node: ast.expr, read_of: Callable[[Frame, ast.expr], Read | None]) -> bool:
    """The server's own host: the Host header, `request.host`, a URL's netloc; `"//" + host`."""
    node = _bare(node)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        prefix = node.left
        return (
            isinstance(prefix, ast.Constant)
            and isinstance(prefix.value, str)
            and set(prefix.value) <= set(":/")
            and _is_host(frame, node.right, read_of)
        )
    read = read_of(frame, node)
    if read is not None:
        return read.source in {"host", "x-forwarded-host"}
    if isinstance(node, ast.Name) and node.id in frame.values:
        alternatives = frame.values[node.id]
        return bool(alternatives) and all(_host_value(frame, a.value) for a in alternatives)
    if isinstance(node, ast.Attribute):
        return node.attr in {"host", "netloc", "host_url"} and _from_request(frame, node.value)
    return False


def _host_value(frame: Frame, value: object) -> bool:
    if isinstance(value, Read):
        return value.source in {"host", "x-forwarded-host"}
    description = getattr(value, "description", "") or ""
    known = getattr(value, "known", True)
    # `request.urlparts.netloc`, read from the request (not `config.host`, a host the
    # project names)
    from_request = any(description.startswith(f"{name}.") for name in frame.requests)
    return not known and from_request and description.rsplit(".", 1)[-1] in {"host", "netloc", "host_url"}


def _from_request(frame: Frame, node: ast.expr) -> bool:
    """`request`, `request.urlparts`, `req.url`: the request object or a part of it."""
    while isinstance(node, ast.Attribute):
        if frame.is_request(node):
            return True
        node = node.value
    return frame.is_request(node)
