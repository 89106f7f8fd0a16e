"""The headers of a Flask return tuple (`return body, 200, headers`): a dict, a list of
(name, value) pairs, or what a project helper returns (`return body, 200, get_headers(r)`,
the helper returning either shape).

Flask (3.1, measured) turns a str or bytes body into `Response(body, status, headers)` and
applies the headers to any other body with `response.headers.update(headers)`: for the
CORS headers, whose names appear once in such a mapping or list, both mean each header is
set to the value given."""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import replace

from corslint.extractors.python import PythonModule
from corslint.extractors.python_headers.callees import Callee, bound_frame, callee_of
from corslint.extractors.python_headers.frame import Alternative, Frame, dotted, unwrap
from corslint.extractors.python_headers.unit import Function, writes_cors

_NOT_HEADERS = {"int", "HTTPStatus"}  # calls that make a status


def is_headers_item(frame: Frame, node: ast.expr, owner: ast.ClassDef | None) -> bool:
    """A literal list of pairs, `[("Access-Control-Allow-Origin", origin)]`, or a call of
    a project function that returns headers: the tuple's headers, not its status."""
    node = unwrap(node)
    if isinstance(node, (ast.List, ast.ListComp)):
        return True
    if isinstance(node, ast.Tuple):
        return all(isinstance(item, (ast.Tuple, ast.List)) for item in node.elts) and bool(node.elts)
    return isinstance(node, ast.Call) and header_helper(frame.module, node, owner) is not None


def header_helper(module: PythonModule, call: ast.Call, owner: ast.ClassDef | None) -> Callee | None:
    """The project function a tuple's headers come from, when it writes CORS headers and
    returns a value."""
    if dotted(call.func).rsplit(".", 1)[-1] in _NOT_HEADERS:
        return None
    callee = callee_of(module, call, owner)
    if callee is None or not writes_cors(callee.module, callee.function):
        return None
    if not any(isinstance(node, ast.Return) and node.value is not None for node in ast.walk(callee.function)):
        return None
    return callee


def helper_frame(
    frame: Frame,
    call: ast.Call,
    owner: ast.ClassDef | None,
    when: tuple[str, ...],
    alternatives: Callable[[Frame, ast.expr], list[Alternative]],
) -> tuple[Frame, Function] | None:
    """The frame a header helper is read in (its parameters bound to the call's
    arguments, what it returns written as the response's headers), and the helper."""
    callee = header_helper(frame.module, call, owner)
    if callee is None or callee.key in frame.inlined:
        return None
    inner = bound_frame(frame, callee, call, when, alternatives)
    return replace(inner, headers_returned=True, relocate=frame.relocate), callee.function


def returns_headers(module: PythonModule, function: Function) -> bool:
    """A view whose return tuple takes its headers from a helper that writes CORS headers
    (`return dumps(data), 200, get_headers(data)`, the helper in another module)."""
    for node in ast.walk(function):
        if not isinstance(node, ast.Return) or not isinstance(node.value, ast.Tuple):
            continue
        for item in node.value.elts[1:]:
            item = unwrap(item)
            spread = (
                [v for k, v in zip(item.keys, item.values, strict=True) if k is None]
                if isinstance(item, ast.Dict)
                else []
            )
            for part in [item, *spread]:
                if isinstance(part, ast.Call) and header_helper(module, part, None) is not None:
                    return True
    return False
