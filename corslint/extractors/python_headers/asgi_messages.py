"""How a raw ASGI app writes a response: the `http.response.start` message it sends
(`await send({"type": "http.response.start", "status": 204, "headers": [...]})`), and a
send wrapper (`async def send_with_cors(message)`) handed to the wrapped app, which adds
`(b"access-control-allow-origin", ...)` pairs to that message's header list."""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Protocol

from corslint.extractors.python_headers.frame import Alternative, BagEntry, Frame, Read, dotted, unwrap
from corslint.model import Location, Value

Function = ast.FunctionDef | ast.AsyncFunctionDef
START = "http.response.start"


def pairs(node: ast.expr) -> list[tuple[ast.expr, ast.expr]] | None:
    """`[(b"vary", b"Origin"), ...]`: the (name, value) pairs of a literal header list."""
    node = unwrap(node)
    if not isinstance(node, (ast.List, ast.Tuple)):
        return None
    found: list[tuple[ast.expr, ast.expr]] = []
    for item in node.elts:
        if not (isinstance(item, (ast.Tuple, ast.List)) and len(item.elts) == 2):
            return None
        found.append((item.elts[0], item.elts[1]))
    return found


def message_headers(frame: Frame, node: ast.expr) -> bool:
    """The header list of the start message a send wrapper is given: `message["headers"]`,
    `message.get("headers", [])`, `message.setdefault("headers", [])`, `list(...)` of it."""
    node = unwrap(node)
    if not frame.messages:
        return False
    if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
        return message_headers(frame, node.values[0])
    if isinstance(node, ast.Call) and dotted(node.func) in {"list", "tuple", "dict"} and len(node.args) == 1:
        # `dict(message.get("headers", []))`: a copy keyed by name, written back later
        return message_headers(frame, node.args[0])
    holder, key = _item_read(node, {"get", "setdefault"})
    return (
        holder is not None
        and dotted(holder) in frame.messages
        and isinstance(key, ast.Constant)
        and key.value == "headers"
    )


def _item_read(node: ast.expr, methods: set[str]) -> tuple[ast.expr | None, ast.expr | None]:
    """The mapping and key of `mapping[key]`, or of `mapping.get(key)` with one of `methods`."""
    if isinstance(node, ast.Subscript):
        return node.value, node.slice
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in methods
        and node.args
    ):
        return node.func.value, node.args[0]
    return None, None


def mutable_headers(frame: Frame, node: ast.expr) -> bool:
    """Starlette's `MutableHeaders(scope=message)` / `MutableHeaders(raw=message["headers"])`."""
    node = unwrap(node)
    if not (isinstance(node, ast.Call) and dotted(node.func).rsplit(".", 1)[-1] == "MutableHeaders"):
        return False
    for keyword in node.keywords:
        if keyword.arg == "scope" and dotted(keyword.value) in frame.messages:
            return True
        if keyword.arg == "raw" and message_headers(frame, keyword.value):
            return True
    return False


def is_message_holder(frame: Frame, node: ast.expr) -> bool:
    return dotted(node) in frame.messages


def started(frame: Frame, call: ast.Call) -> ast.Dict | ast.Call | None:
    """`send({"type": "http.response.start", ...})` through the app's own `send` (also
    asgiref's typed `HTTPResponseStartEvent(type=..., status=..., headers=...)`)."""
    if not frame.send or dotted(call.func) != frame.send or len(call.args) != 1:
        return None
    message = unwrap(call.args[0])
    if not isinstance(message, (ast.Dict, ast.Call)):
        return None
    kind = field(message, "type")
    if isinstance(kind, ast.Constant) and kind.value == START:
        return message
    return None


def field(message: ast.Dict | ast.Call, name: str) -> ast.expr | None:
    if isinstance(message, ast.Call):
        return next((keyword.value for keyword in message.keywords if keyword.arg == name), None)
    for key, value in zip(message.keys, message.values, strict=True):
        if isinstance(key, ast.Constant) and key.value == name:
            return value
    return None


def send_wrapper(frame: Frame, call: ast.Call) -> Function | None:
    """`await self.app(scope, receive, send_with_cors)`: the local function the wrapped
    app sends its messages through."""
    if not frame.send or len(call.args) != 3:
        return None
    wrapper = frame.local_functions.get(dotted(call.args[2]))
    if wrapper is None or not wrapper.args.args:
        return None
    return wrapper


def header_expressions(node: ast.expr) -> list[ast.expr]:
    """The operands of `list(message.get("headers", [])) + [...] + EXTRA`."""
    node = copied(node)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return [*header_expressions(node.left), *header_expressions(node.right)]
    return [node]


def copied(node: ast.expr) -> ast.expr:
    """`list(x)`, `sorted(x)`, `tuple(x)`: the same pairs as `x`."""
    node = unwrap(node)
    while (
        isinstance(node, ast.Call)
        and dotted(node.func) in {"list", "sorted", "tuple"}
        and len(node.args) == 1
    ):
        node = unwrap(node.args[0])
    return node


def filtered_headers(frame: Frame, node: ast.expr) -> bool:
    """`[(k, v) for k, v in message["headers"] if k.lower() not in {...}]`: the wrapped
    app's headers, some left out (which the model's wrapped app never sends)."""
    node = unwrap(node)
    return (
        isinstance(node, ast.ListComp)
        and len(node.generators) == 1
        and message_headers(frame, node.generators[0].iter)
    )


def wrapped_value(frame: Frame, node: ast.expr) -> ast.expr | None:
    """`next((v for k, v in message["headers"] if k == b"vary"), b"")`: a header of the
    wrapped app's response; the model's wrapped app sends no CORS or Vary header, so it
    is the default."""
    node = unwrap(node)
    if not (isinstance(node, ast.Call) and dotted(node.func) == "next" and len(node.args) == 2):
        return None
    generator = node.args[0]
    if (
        isinstance(generator, ast.GeneratorExp)
        and len(generator.generators) == 1
        and message_headers(frame, generator.generators[0].iter)
    ):
        return node.args[1]
    return None


class Reader(Protocol):
    """What `asgi_call` needs of the interpreter."""

    def alternatives(self, frame: Frame, node: ast.expr) -> list[Alternative]: ...

    def answer(self, frame: Frame, status: Value, when: tuple[str, ...], location: Location) -> None: ...

    def headers_mapping(
        self, frame: Frame, node: ast.expr, writer: str, when: tuple[str, ...], location: Location
    ) -> None: ...

    def block(self, frame: Frame, body: Sequence[ast.stmt], when: tuple[str, ...]) -> bool: ...


MAX_DEPTH = 4


def scope_item(frame: Frame, node: ast.expr) -> str | None:
    """`scope["method"]`, `scope.get("path")`: the key of the ASGI scope read."""
    holder, key = _item_read(unwrap(node), {"get"})
    if holder is None or key is None or frame.kind != "asgi" or not frame.is_request(holder):
        return None
    name = frame.resolve(key)
    return name.raw if name.known and isinstance(name.raw, str) else None


def scope_headers(frame: Frame, node: ast.expr) -> bool:
    """The request's headers in an ASGI app: `scope["headers"]`, `dict(scope["headers"])`,
    Starlette's `Headers(scope=scope)`."""
    node = unwrap(node)
    if frame.kind != "asgi":
        return False
    if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
        return scope_headers(frame, node.values[0])
    if scope_item(frame, node) == "headers":
        return True
    if isinstance(node, ast.Call) and len(node.args) + len(node.keywords) == 1:
        name = dotted(node.func).rsplit(".", 1)[-1]
        inner = node.args[0] if node.args else node.keywords[0].value
        if name in {"dict", "list"} and node.args:
            return scope_headers(frame, inner)
        if name == "Headers" and node.keywords and node.keywords[0].arg == "scope":
            return frame.is_request(inner)
        if name == "Headers" and node.keywords and node.keywords[0].arg == "raw":
            return scope_headers(frame, inner)
    return False


def message_type(frame: Frame, node: ast.expr) -> str | None:
    """What `scope["type"]` or a sent message's `message["type"]` is, as the model reads
    it: an HTTP request, and the start of the response a send wrapper changes."""
    if scope_item(frame, node) == "type":
        return "http"
    node = unwrap(node)
    if isinstance(node, ast.Subscript) and dotted(node.value) in frame.messages:
        key = frame.resolve(node.slice)
        if key.known and key.raw == "type":
            return "http.response.start"
    return None


def _stripped(node: ast.expr) -> str:
    """`name`, `name.lower()`, `value.decode("latin1")`: the name under the conversions."""
    node = unwrap(node)
    while (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in {"lower", "decode", "encode", "strip"}
    ):
        node = node.func.value
    return dotted(node)


def header_loop(frame: Frame, loop: ast.For | ast.AsyncFor) -> tuple[str, Read] | None:
    """`for name, value in scope["headers"]: if name == b"origin": origin = value.decode()`:
    the local bound to the header's value, and its read (the default: what the local
    held before the loop)."""
    target = loop.target
    if not (
        scope_headers(frame, loop.iter)
        and isinstance(target, ast.Tuple)
        and len(target.elts) == 2
        and all(isinstance(e, ast.Name) for e in target.elts)
    ):
        return None
    key_name, value_name = (dotted(e) for e in target.elts)
    body = [s for s in loop.body if not isinstance(s, (ast.Break, ast.Pass))]
    if len(body) != 1 or not isinstance(body[0], ast.If) or body[0].orelse:
        return None
    test = body[0].test
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return None
    header: str | None = None
    for side, other in ((test.left, test.comparators[0]), (test.comparators[0], test.left)):
        if _stripped(side) == key_name:
            value = frame.resolve(other)
            raw = value.raw.decode("latin-1") if value.known and isinstance(value.raw, bytes) else value.raw
            header = raw.lower() if value.known and isinstance(raw, str) else None
    inner = [s for s in body[0].body if not isinstance(s, ast.Break)]
    if header is None or len(inner) != 1 or not isinstance(inner[0], ast.Assign):
        return None
    assigned = dotted(inner[0].targets[0]) if len(inner[0].targets) == 1 else ""
    if not assigned or _stripped(inner[0].value) != value_name:
        return None
    before = frame.values.get(assigned, [])
    default = (
        before[0].value
        if len(before) == 1 and not before[0].when and isinstance(before[0].value, Value)
        else None
    )
    return assigned, Read(header, default)


def asgi_call(
    reader: Reader, frame: Frame, call: ast.Call, when: tuple[str, ...], location: Location
) -> bool:
    """An ASGI app's own answer (`send` of a start message: its headers, then its status,
    which may depend on a test: `200 if allowed else 400`), or the wrapped app called
    with a send wrapper, whose additions land on the wrapped app's responses."""
    message = started(frame, call)
    if message is not None:
        headers = field(message, "headers")
        if headers is not None:
            reader.headers_mapping(frame, headers, "add", when, location)
        status = field(message, "status")
        for alternative in reader.alternatives(frame, status) if status is not None else []:
            if isinstance(alternative.value, Value):
                reader.answer(frame, alternative.value, (*when, *alternative.when), location)
        return True
    wrapper = send_wrapper(frame, call)
    if wrapper is None or frame.depth >= MAX_DEPTH:
        return False
    inner = replace(
        frame,
        messages=frozenset({wrapper.args.args[0].arg}),
        responses=set(),
        header_names=set(),
        values=dict(frame.values),
        conditions=dict(frame.conditions),
        bags=dict(frame.bags),
        base=when,
        depth=frame.depth + 1,
    )
    reader.block(inner, wrapper.body, when)
    return True


def listed_headers(frame: Frame, node: ast.expr) -> list[tuple[ast.expr | str, ast.expr | Value]] | None:
    """The (name, value) pairs of a header list: a literal, a module's literal list, or
    a list the resolver knows; None when `node` is none of these."""
    node = copied(node)  # `headers = list(PREFLIGHT)`, `sorted(pairs)`
    listed: list[tuple[ast.expr, ast.expr]] | None = pairs(node)
    if listed is None and isinstance(node, ast.Name) and node.id not in frame.values:
        bound = frame.module.binding(node.id)
        listed = pairs(bound[1]) if bound is not None else None
    if listed is not None:
        return list(listed)
    resolved = frame.resolve(node)
    if not (resolved.known and isinstance(resolved.raw, tuple)):
        return None
    found: list[tuple[ast.expr | str, ast.expr | Value]] = []
    for item in resolved.raw:
        if item.known and isinstance(item.raw, tuple) and len(item.raw) == 2:
            name, value = item.raw
            text = name.raw.decode("latin-1") if isinstance(name.raw, bytes) else name.raw
            if isinstance(text, str):
                found.append((text, value))
    return found


def bag_entry(
    frame: Frame,
    key: ast.expr | str,
    item: ast.expr | Value,
    when: tuple[str, ...],
    location: Location,
    alternatives: Callable[[Frame, ast.expr], list[Alternative]],
) -> BagEntry:
    """One header of a local dict or list of headers, as the interpreter keeps it."""
    if isinstance(item, Value):
        return (key, [Alternative((), item)], when, location, None)
    where = frame.module.location(key) if isinstance(key, ast.expr) else location
    return (key, alternatives(frame, item), when, where, item)
