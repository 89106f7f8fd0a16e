"""The values an expression of hand-written CORS code may have, each with the conditions
under which it has it (`Interpreter.alternatives`): request reads, locals bound on earlier
paths, conditional expressions, rebuilt origins, the automatic `Allow` of Flask and Falcon,
and what a local function or a project function handed the request returns (read by the
interpreter with its parameters bound)."""

from __future__ import annotations

import ast
from dataclasses import replace

import corslint.extractors.python_headers.asgi_messages as asgi
from corslint.extractors.python_headers.callees import bound_frame, callee_of, returns_from_loop
from corslint.extractors.python_headers.frame import Alternative, Frame, Read, dotted, negate, unwrap
from corslint.extractors.python_headers.origin_choosers import chosen_origin
from corslint.extractors.python_headers.rebuilt_origins import rebuilt_origin
from corslint.extractors.python_headers.request_reads import read_of
from corslint.extractors.python_headers.requests import condition
from corslint.extractors.python_headers.responses import (
    default_options_headers,
    falcon_allow_read,
    is_headers,
)
from corslint.extractors.python_headers.returned_tuples import MAX_INLINE, ReturnedTuples
from corslint.model import Value


class ValueAlternatives(ReturnedTuples):
    """Reads expressions into alternatives; `Interpreter` reads the statements."""

    def alternatives(self, frame: Frame, node: ast.expr) -> list[Alternative]:
        """The values `node` may have, each with the conditions under which it has it."""
        node = unwrap(node)
        read = read_of(frame, node)
        if read is not None:
            return [Alternative((), read)]
        if isinstance(node, ast.Name) and node.id in frame.values:
            return frame.values[node.id]
        if isinstance(node, ast.IfExp):
            decided = condition(frame, self.steps, node.test)
            if decided is True:
                return self.alternatives(frame, node.body)
            if decided is False:
                return self.alternatives(frame, node.orelse)
            if decided is None:
                decided = self.undecided(frame, node.test)
            return [
                *(Alternative((decided, *a.when), a.value) for a in self.alternatives(frame, node.body)),
                *(
                    Alternative((negate(decided), *a.when), a.value)
                    for a in self.alternatives(frame, node.orelse)
                ),
            ]
        if isinstance(node, (ast.JoinedStr, ast.BinOp)):
            parsed = rebuilt_origin(frame, node)
            if parsed is not None:
                return [Alternative((), parsed)]
        if (
            isinstance(node, ast.Subscript)
            and (is_headers(frame, node.value) or default_options_headers(node.value))
            and frame.route_methods is not None
        ):
            key = frame.resolve(node.slice)
            if key.known and isinstance(key.raw, str) and key.raw.lower() == "allow":
                # Flask's automatic OPTIONS answer lists the route's methods
                return [Alternative((), Value(", ".join(frame.route_methods), frame.module.location(node)))]
        if falcon_allow_read(frame, node):
            # Falcon's default OPTIONS responder lists the resource's responders
            assert frame.route_methods is not None
            return [Alternative((), Value(", ".join(frame.route_methods), frame.module.location(node)))]
        wrapped = asgi.wrapped_value(frame, node) if frame.messages else None
        if wrapped is not None:
            return self.alternatives(frame, wrapped)
        if isinstance(node, ast.Call) and not node.args and not node.keywords:
            returned = self._returned(frame, node)
            if returned is not None:
                return returned
        if isinstance(node, ast.Call):
            returned = chosen_origin(frame, self.steps, node, self.owner)
            returned = returned or self._returned_for_request(frame, node)
            if returned is not None:
                return returned
        return [Alternative((), frame.resolve(node))]

    def _returned_for_request(self, frame: Frame, call: ast.Call) -> list[Alternative] | None:
        """What a project function handed the request returns (`get_origin(request)`,
        OmarThinks/cantiin_django), read with its parameters bound to the call's."""
        arguments = [*call.args, *(keyword.value for keyword in call.keywords)]
        if frame.depth >= MAX_INLINE or not any(
            frame.is_request(a) or _holds_read(frame, a) for a in arguments
        ):
            return None
        callee = callee_of(frame.module, call, self.owner)
        if callee is None or callee.key in frame.inlined or returns_from_loop(callee.function):
            return None
        inner = replace(
            bound_frame(frame, callee, call, (), self.alternatives),
            base=(),
            returns=[],
            relocate=frame.relocate,
        )
        self.block(inner, callee.function.body, ())
        return inner.returns or None

    def _returned(self, frame: Frame, call: ast.Call) -> list[Alternative] | None:
        """What a local function without arguments returns (`get_methods()`)."""
        function = frame.local_functions.get(dotted(call.func))
        if function is None or frame.depth >= MAX_INLINE:
            return None
        inner = replace(
            frame,
            responses=set(),
            header_names=set(),
            values=dict(frame.values),
            base=(),
            returns=[],
            depth=frame.depth + 1,
        )
        self.block(inner, function.body, ())
        return inner.returns


def _holds_read(frame: Frame, node: ast.expr) -> bool:
    """A local holding a request header read (`self._get_allow_origin(origin)` after
    `origin = request.headers.get("origin")`: ConceptCodes/bridge src/middleware/cors.py)."""
    return (
        isinstance(node, ast.Name)
        and node.id in frame.values
        and any(isinstance(alternative.value, Read) for alternative in frame.values[node.id])
    )
