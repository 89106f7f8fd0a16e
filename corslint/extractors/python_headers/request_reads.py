"""How hand-written CORS code reads the request: which request header an expression
reads (`Read`, with what it gives when the header is absent), and the reads of the
request's method and path that the tests in requests.py are made of."""

from __future__ import annotations

import ast
from collections.abc import Callable

from corslint.extractors.python_headers.asgi_messages import scope_headers, scope_item
from corslint.extractors.python_headers.frame import Frame, Read, dotted, unwrap
from corslint.model import Value

_TRANSFORMS: dict[str, Callable[[str], str]] = {"lower": str.lower, "upper": str.upper, "strip": str.strip}
# `headers.get("Referer", headers.get("Origin", "*"))` (OmarThinks/cantiin_django): a
# browser's Referer is a URL of the calling page, so its scheme and host, put back
# together, are the page's origin, as the Origin header is; the raw value is a URL
REFERER_OR_ORIGIN = "referer|origin"


def header_key(frame: Frame, holder: ast.expr, key: ast.expr) -> str | None:
    """The request header `holder[key]` reads: `request.headers`, Django's `request.META`
    and Werkzeug's `request.environ` (``HTTP_ORIGIN``)."""
    if scope_headers(frame, holder):
        name = frame.resolve(key)
        raw = name.raw.decode("latin-1") if name.known and isinstance(name.raw, bytes) else name.raw
        return raw.lower() if name.known and isinstance(raw, str) else None
    if frame.kind == "wsgi" and isinstance(holder, ast.Name) and frame.is_request(holder):
        name = frame.resolve(key)  # the WSGI environ: `environ.get("HTTP_ORIGIN")`
        if name.known and isinstance(name.raw, str) and name.raw.startswith("HTTP_") and name.raw.isupper():
            return name.raw[len("HTTP_") :].lower().replace("_", "-")
        return None
    if not isinstance(holder, ast.Attribute) or not frame.is_request(holder.value):
        return None
    name = frame.resolve(key)
    if not (name.known and isinstance(name.raw, str)):
        return None
    if holder.attr == "headers":
        return name.raw.lower()
    environs = {"META", "environ", "env"} if frame.kind == "webpy" else {"META", "environ"}  # `web.ctx.env`
    if holder.attr in environs and name.raw.startswith("HTTP_") and name.raw.isupper():
        return name.raw[len("HTTP_") :].lower().replace("_", "-")
    return None


def read_of(frame: Frame, node: ast.expr) -> Read | None:
    """The request header `node` reads, with what it gives when the header is absent."""
    node = unwrap(node)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in {"decode", "encode"}
        and len(node.args) <= 1
    ):
        return read_of(frame, node.func.value)  # bytes and text of the same header value
    if (
        isinstance(node, ast.Call)
        and dotted(node.func) == "str"
        and len(node.args) == 1
        and not node.keywords
    ):
        # `str(request.headers.get("origin", ""))`: the same text, when the default is text too
        inner = read_of(frame, node.args[0])
        default = inner.default if inner is not None else None
        if inner is not None and (
            inner.missing_error or (default is not None and isinstance(default.raw, str))
        ):
            return inner
        return None
    if isinstance(node, ast.Name) and node.id in frame.values:
        alternatives = frame.values[node.id]
        if len(alternatives) == 1 and isinstance(alternatives[0].value, Read):
            return alternatives[0].value
        return None
    if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or) and len(node.values) == 2:
        inner = read_of(frame, node.values[0])
        if inner is not None and not inner.missing_error:
            return Read(inner.source, frame.resolve(node.values[1]))
        return None
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "get_header"
        and node.args
        and frame.is_request(node.func.value)
    ):  # Bottle's `request.get_header("Origin", default)`, Falcon's `get_header(name, default=...)`
        name = frame.resolve(node.args[0])
        if not (name.known and isinstance(name.raw, str)):
            return None
        default_node = node.args[1] if len(node.args) > 1 else None
        default_node = next((k.value for k in node.keywords if k.arg == "default"), default_node)
        return Read(name.raw.lower(), frame.resolve(default_node) if default_node is not None else None)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get":
        args = [arg for arg in node.args if not isinstance(arg, ast.Starred)]
        keywords = {item.arg: item.value for item in node.keywords if item.arg}
        if not args:
            return None
        source = header_key(frame, node.func.value, args[0])
        if source is None:
            return None
        default_node = args[1] if len(args) > 1 else keywords.get("default")
        fallback = read_of(frame, default_node) if source == "referer" and default_node is not None else None
        if fallback is not None and fallback.source == "origin" and not fallback.missing_error:
            return Read(REFERER_OR_ORIGIN, fallback.default)
        return Read(source, frame.resolve(default_node) if default_node is not None else None)
    if isinstance(node, ast.Subscript):
        source = header_key(frame, node.value, node.slice)
        if source is not None and frame.kind == "http_server":
            # `self.headers` is an `email.message.Message`: a missing header reads None
            return Read(source, Value(None, frame.module.location(node)))
        return Read(source, missing_error=True) if source is not None else None
    if isinstance(node, ast.Attribute) and node.attr == "origin" and frame.kind == "flask":
        return Read("origin") if frame.is_request(node.value) else None
    return None


def method_side(frame: Frame, node: ast.expr) -> Callable[[str], str] | None:
    """`request.method`, `request.method.lower()`: how the test sees the method."""
    node = unwrap(node)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and not node.args:
        inner = method_side(frame, node.func.value)
        transform = _TRANSFORMS.get(node.func.attr)
        if inner is None or transform is None:
            return None
        return lambda method: transform(inner(method))
    if isinstance(node, ast.Attribute) and node.attr == "method" and frame.is_request(node.value):
        return lambda method: method
    if (
        isinstance(node, ast.Attribute)
        and node.attr == "command"  # http.server's handler: `self.command`
        and frame.kind == "http_server"
        and frame.is_request(node.value)
    ):
        return lambda method: method
    if scope_item(frame, node) == "method":
        return lambda method: method
    if isinstance(node, ast.Name) and node.id in frame.method_names:
        return lambda method: method
    if frame.kind == "wsgi" and _environ_item(frame, node) == "REQUEST_METHOD":
        return lambda method: method
    return None


def is_method_read(frame: Frame, node: ast.expr) -> bool:
    """`environ["REQUEST_METHOD"]`, `request.method`: a local bound to it tests the method."""
    return method_side(frame, node) is not None


def _environ_item(frame: Frame, node: ast.expr) -> str | None:
    """The key of a WSGI environ read: `environ["REQUEST_METHOD"]`, `environ.get("PATH_INFO")`."""
    node = unwrap(node)
    if isinstance(node, ast.Subscript):
        holder, key = node.value, node.slice
    elif (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "get"
        and node.args
    ):
        holder, key = node.func.value, node.args[0]
    else:
        return None
    if not (isinstance(holder, ast.Name) and frame.is_request(holder)):
        return None
    name = frame.resolve(key)
    return name.raw if name.known and isinstance(name.raw, str) else None


def _is_path(frame: Frame, node: ast.expr) -> bool:
    """`request.path`, Django's `request.path_info`, Starlette's `request.url.path`."""
    node = unwrap(node)
    if scope_item(frame, node) == "path":
        return True
    if isinstance(node, ast.Attribute) and node.attr in {"path", "path_info"}:
        holder = node.value
        if isinstance(holder, ast.Attribute) and holder.attr == "url":
            holder = holder.value
        return frame.is_request(holder)
    return False


def path_prefix(frame: Frame, call: ast.Call) -> str | None:
    """`request.path.startswith("/api")`: a condition on the path the model can test."""
    if not (isinstance(call.func, ast.Attribute) and call.func.attr == "startswith" and len(call.args) == 1):
        return None
    if not _is_path(frame, call.func.value):
        return None
    prefix = frame.resolve(call.args[0])
    if not (prefix.known and isinstance(prefix.raw, str)) or any(c in prefix.raw for c in "&|!"):
        return None
    return f"PATH^{prefix.raw}"
