"""A helper that answers with a response it makes, its headers filled in a multidict
(bogonets/answer core/recc/http/v2/router_v2_plugins.py: an aiohttp middleware method
`return await self.options_cors(request)`, which builds `headers = CIMultiDict[str]()`,
`headers.add(ACCESS_CONTROL_ALLOW_ORIGIN, "*")` and returns `Response(headers=headers)`).
The multidict is read as a dict of headers being filled; aiohttp's `hdrs` constants name
the headers (extractors/python/library_constants.py)."""

from __future__ import annotations

import ast
from collections.abc import Callable

from corslint.extractors.python_headers.frame import Alternative, Frame, dotted

MULTIDICTS = frozenset({"CIMultiDict", "MultiDict"})


def empty_multidict(node: ast.expr) -> bool:
    """`CIMultiDict()`, `CIMultiDict[str]()`, `multidict.MultiDict()` without arguments."""
    if not isinstance(node, ast.Call) or node.args or node.keywords:
        return False
    func = node.func.value if isinstance(node.func, ast.Subscript) else node.func
    return dotted(func).rsplit(".", 1)[-1] in MULTIDICTS


def multidict_add(
    frame: Frame,
    call: ast.Call,
    when: tuple[str, ...],
    alternatives: Callable[[Frame, ast.expr], list[Alternative]],
) -> bool:
    """`headers.add(name, value)` on a multidict being filled: one more header line."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr == "add" and len(call.args) == 2):
        return False
    bag = frame.bags.get(dotted(func.value))
    if bag is None or call.keywords:
        return False
    name, value = call.args
    bag.append((name, alternatives(frame, value), when, frame.module.location(name), value))
    return True


def makes_response(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether the function returns a response it makes (`return web.Response(headers=h)`,
    `return make_response(...)`), the answer of a caller that returns what it gives."""
    return any(
        isinstance(node, ast.Return)
        and isinstance(node.value, ast.Call)
        and dotted(node.value.func).rsplit(".", 1)[-1].lower().endswith("response")
        for node in ast.walk(function)
    )
