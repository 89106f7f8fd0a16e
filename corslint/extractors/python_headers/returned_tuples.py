"""Headers a Flask-style view hands back in its return value: `return body, 204,
headers`, and a helper that adds its own to such a tuple.

amor71/alpaca-gcp-proxy (infra/infra/__init__.py) wraps its Cloud Functions in an
`@auth` decorator whose `_handle_cors_headers(response)` returns `response +
(cors_response_headers,)` for a two-item tuple, and otherwise fills the tuple's headers
dict with `if k not in return_headers: return_headers[k] = v` (a write only where the
view wrote none, as `setdefault`)."""

from __future__ import annotations

import ast
from collections.abc import Sequence

from corslint.extractors.python_headers.frame import Alternative, Frame, dotted, unwrap
from corslint.extractors.python_headers.framework_writes import FrameworkWrites
from corslint.extractors.python_headers.responses import (
    is_headers,
    made_response,
    passes_response,
    status_value,
)
from corslint.extractors.python_headers.tuple_headers import helper_frame, is_headers_item
from corslint.model import Location, Value

MAX_INLINE = 4  # helpers called from helpers, at most this deep


class ReturnedTuples(FrameworkWrites):
    """Reads the headers of returned tuples; `Interpreter` reads the rest."""

    owner: ast.ClassDef | None

    def block(self, frame: Frame, body: Sequence[ast.stmt], when: tuple[str, ...]) -> bool:
        raise NotImplementedError

    def appended(self, frame: Frame, value: ast.expr, when: tuple[str, ...], location: Location) -> bool:
        """`return response + (CORS_HEADERS,)`: the view's tuple with headers added
        (`response[:2] + (headers,)` hands back the view's own, filled in place)."""
        if not (isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add) and frame.kind == "flask"):
            return False
        left, right = value.left, unwrap(value.right)
        if isinstance(left, ast.Subscript) and isinstance(left.slice, ast.Slice):
            left = left.value
        if not (passes_response(frame, left) and isinstance(right, ast.Tuple)):
            return False
        for item in right.elts:
            if is_headers(frame, item):
                continue
            resolved = frame.resolve(item)
            if not (isinstance(item, ast.Name) and resolved.known and isinstance(resolved.raw, dict)):
                self.headers_mapping(frame, item, "set", when, location)
                continue
            for header, entry in resolved.raw.items():
                # a module's headers dict: each header is fixed where the dict lists it
                where = entry.location if entry.location.path == location.path else location
                self._write(frame, header, [Alternative((), entry)], "set", when, where)
        return True

    def written_if_absent(self, frame: Frame, statement: ast.If, when: tuple[str, ...]) -> bool:
        """`if name not in headers: headers[name] = value`: a write where the header is
        absent (Falcon's lower-cased headers are read by response_checks.py)."""
        test = statement.test
        if frame.kind == "falcon" or statement.orelse or len(statement.body) != 1:
            return False
        assignment = statement.body[0]
        if not (
            isinstance(test, ast.Compare)
            and len(test.ops) == 1
            and isinstance(test.ops[0], ast.NotIn)
            and is_headers(frame, test.comparators[0])
            and isinstance(assignment, ast.Assign)
            and len(assignment.targets) == 1
            and isinstance(assignment.targets[0], ast.Subscript)
        ):
            return False
        target = assignment.targets[0]
        assert isinstance(target, ast.Subscript)
        if dotted(target.value) != dotted(test.comparators[0]) or ast.dump(target.slice) != ast.dump(
            test.left
        ):
            return False
        found = self.alternatives(frame, assignment.value)
        where = frame.module.location(assignment)
        self._write(frame, target.slice, found, "setdefault", when, where, assignment.value)
        return True

    def _flask_tuple(self, frame: Frame, value: ast.Tuple, when: tuple[str, ...], location: Location) -> None:
        """`return body, 204` / `return body, 204, headers` / `return body, headers`."""
        body, *rest = value.elts
        made = made_response(frame, body)
        if made is not None and made.headers is not None:
            self.headers_mapping(frame, made.headers, "set", when, location)
        status: Value | None = None
        for item in rest:
            if isinstance(item, ast.Dict) or (isinstance(item, ast.Name) and not _is_number(frame, item)):
                self._headers_of(frame, item, when, location)
            elif is_headers_item(frame, item, self.owner):
                self._headers_of(frame, unwrap(item), when, location)
            else:
                status = status_value(frame, item)
        if status is None and passes_response(frame, body):
            return
        self.answer(
            frame, status or (made.status if made is not None else Value(200, location)), when, location
        )

    def _headers_of(self, frame: Frame, node: ast.expr, when: tuple[str, ...], location: Location) -> None:
        """Headers handed to Flask: a mapping, a list of pairs, or what a helper returns
        (also spread into a dict: `{"Content-Type": "text/html", **cors_headers()}`)."""
        if isinstance(node, ast.Call) and frame.depth < MAX_INLINE:
            found = helper_frame(frame, node, self.owner, when, self.alternatives)
            if found is not None:
                self.block(found[0], found[1].body, when)
                return
        if isinstance(node, ast.Dict) and any(key is None for key in node.keys):
            for key, value in zip(node.keys, node.values, strict=True):
                entry = ast.Dict(keys=[key], values=[value]) if key is not None else value
                self._headers_of(frame, ast.copy_location(entry, value), when, location)
            return
        self.headers_mapping(frame, node, "set", when, location)


def tuple_headers_of(frame: Frame, node: ast.expr) -> bool:
    """`response[2]` of a view's `(body, status, headers)` tuple: its headers dict."""
    node = unwrap(node)
    if not (isinstance(node, ast.Subscript) and frame.kind == "flask" and frame.is_response(node.value)):
        return False
    index = node.slice
    return isinstance(index, ast.Constant) and index.value in (2, -1)


def _is_number(frame: Frame, node: ast.expr) -> bool:
    value = frame.resolve(node)
    return value.known and isinstance(value.raw, int)
