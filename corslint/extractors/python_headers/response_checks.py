"""Tests on the response in flight that hand-written CORS code makes before writing:
`if "Access-Control-Allow-Origin" not in resp.headers:` (write only where no other layer
has written it).

Falcon's `Response.headers` is a fresh dict whose keys are lower-cased (measured with
Falcon 3.0.1 and 4.4.0, tests/test_differential_falcon_stack.py): a name spelt with
capitals is never in it, so the test always holds, whatever another middleware wrote
first (ptenu/ptuhub api/middleware/session.py appends a second Allow-Origin to the one
falcon.CORSMiddleware wrote)."""

from __future__ import annotations

import ast

from corslint.extractors.python_headers.frame import Frame, Steps


def response_header_test(frame: Frame, steps: Steps, test: ast.expr) -> bool | None:
    """`"Name" in resp.headers`, `resp.get_header("Name") is None`: decided where the
    framework's answer is certain."""
    if frame.kind != "falcon":
        return None
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        operator, right = test.ops[0], test.comparators[0]
        if isinstance(operator, (ast.In, ast.NotIn)) and _headers_of_response(frame, right):
            name = frame.resolve(test.left)
            if not (name.known and isinstance(name.raw, str)):
                return None
            if name.raw != name.raw.lower():
                return isinstance(operator, ast.NotIn)  # never a key of the lower-cased dict
            present = _present(frame, steps, name.raw)
            return None if present is None else present == isinstance(operator, ast.In)
        if (
            isinstance(operator, (ast.Is, ast.IsNot))
            and isinstance(right, ast.Constant)
            and right.value is None
        ):
            present = _read_header(frame, steps, test.left)
            return None if present is None else present == isinstance(operator, ast.IsNot)
        return None
    return _read_header(frame, steps, test)  # `if resp.get_header("Name"):`


def _headers_of_response(frame: Frame, node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "headers" and frame.is_response(node.value)


def _read_header(frame: Frame, steps: Steps, node: ast.expr) -> bool | None:
    """Whether `resp.get_header("Name")` finds the header (None: not known)."""
    if not (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "get_header"
        and frame.is_response(node.func.value)
        and len(node.args) == 1
        and not node.keywords
    ):
        return None
    name = frame.resolve(node.args[0])
    if not (name.known and isinstance(name.raw, str)):
        return None
    return _present(frame, steps, name.raw)


def _present(frame: Frame, steps: Steps, name: str) -> bool | None:
    """A layer that writes before any other finds only what it wrote itself: an
    Access-Control-* header it has not written is absent (falcon_stack.py)."""
    if not frame.first_writer or not name.lower().startswith("access-control-"):
        return None
    written = any(key.split(" #", 1)[0].lower() == name.lower() for key in steps.steps)
    return None if written else False
