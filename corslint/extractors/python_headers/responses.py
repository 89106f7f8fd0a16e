"""How hand-written CORS code makes and changes responses: the response classes of each
framework (and where their status and headers go), and the calls that write headers."""

from __future__ import annotations

import ast
import http
from dataclasses import dataclass

import corslint.extractors.python_headers.asgi_messages as asgi
from corslint.extractors.python_headers.frame import Frame, dotted, unwrap
from corslint.model import Value

# class or function (last name of its qualified name) -> (status keyword, its position,
# headers keyword, its position); positions count the positional arguments
_MAKERS: dict[str, dict[str, tuple[str, int, str, int]]] = {
    "flask": {
        "Response": ("status", 1, "headers", 2),
        "make_response": ("", 1, "", 2),
        "jsonify": ("", -1, "", -1),
        "response_class": ("status", 1, "headers", 2),
        "make_default_options_response": ("", -1, "", -1),
    },
    "django": {
        "HttpResponse": ("status", 2, "headers", 5),
        "JsonResponse": ("status", -1, "headers", -1),
        "Response": ("status", 1, "headers", 3),  # Django REST framework
        "StreamingHttpResponse": ("status", 2, "headers", 5),
        "FileResponse": ("status", -1, "headers", -1),
    },
    "starlette": {
        "Response": ("status_code", 1, "headers", 2),
        "JSONResponse": ("status_code", 1, "headers", 2),
        "PlainTextResponse": ("status_code", 1, "headers", 2),
        "HTMLResponse": ("status_code", 1, "headers", 2),
        "ORJSONResponse": ("status_code", 1, "headers", 2),
        "UJSONResponse": ("status_code", 1, "headers", 2),
    },
    "tornado": {},
    # every argument but the body is keyword-only
    "aiohttp": {
        "Response": ("status", -1, "headers", -1),
        "StreamResponse": ("status", -1, "headers", -1),
        "json_response": ("status", -1, "headers", -1),
        "HTTPOk": ("", -1, "headers", -1),
        "HTTPNoContent": ("", -1, "headers", -1),
    },
    "bottle": {"HTTPResponse": ("status", 1, "headers", 2)},  # `raise HTTPResponse(headers=...)`
    "falcon": {"HTTPStatus": ("status", 0, "headers", 1)},  # `raise HTTPStatus(falcon.HTTP_200)`
    # subscribers and callbacks change the response they are given; a tween may make one
    "pyramid": {"Response": ("status", 1, "headerlist", 2)},
    "http_server": {},  # `self.send_response(...)`: the handler is the response
}
_MAKERS["asgi"] = _MAKERS["starlette"]  # `await PlainTextResponse(...)(scope, receive, send)`
_MAKERS["sanic"] = {  # sanic.response: (body, status=200, headers=None, ...)
    name: ("status", 1, "headers", 2) for name in ("json", "text", "html", "raw", "HTTPResponse")
}
_MAKERS["azure_functions"] = {"HttpResponse": ("status_code", -1, "headers", -1)}  # keyword-only
_MAKERS["cherrypy"] = {}  # a tool writes onto the thread-local `cherrypy.response`
_MAKERS["wsgi"] = {}  # a WSGI middleware adds to the header list the wrapped app hands on
_MAKERS["webpy"] = {}  # `web.header(...)` adds to the thread-local `web.ctx.headers`
_FIXED_STATUS = {"HTTPNoContent": 204}  # aiohttp's exceptions are responses with their own status
_MODULES = {
    "flask": ("flask", "werkzeug", "quart"),
    "django": ("django", "rest_framework"),
    "starlette": ("starlette", "fastapi"),
    "tornado": ("tornado",),
    "aiohttp": ("aiohttp",),
    "asgi": ("starlette", "fastapi"),
    "bottle": ("bottle",),
    "pyramid": ("pyramid", "webob"),
    "falcon": ("falcon",),
    "http_server": ("http",),
    "sanic": ("sanic",),
    "azure_functions": ("azure",),
    "wsgi": (),
    "cherrypy": ("cherrypy",),
    "webpy": ("web",),
}
# response.headers.<method>(...) and what it does: set replaces, add adds a line
HEADER_METHODS = {
    "add": "add",
    "add_header": "add",
    "append": "add",
    "set": "set",
    "__setitem__": "set",
    "setdefault": "setdefault",
    "update": "set",
    "extend": "add",
    "add_vary_header": "vary",
    "remove": "remove",
    "pop": "remove",
    "discard": "remove",
}
TORNADO_METHODS = {"set_header": "set", "add_header": "add", "clear_header": "remove"}
# Bottle's `response.set_header` / `add_header`, Falcon's `resp.set_header` / `append_header`
RESPONSE_METHODS = {
    "set_header": "set",
    "add_header": "add",
    "append_header": "add",
    "delete_header": "remove",
}


@dataclass(frozen=True)
class Made:
    """A response the code makes itself: its status and the headers given to it."""

    status: Value
    headers: ast.expr | None


def made_response(frame: Frame, node: ast.expr) -> Made | None:
    """`Response(status=204)`, `make_response("", 204)`, `HttpResponse()`, `jsonify(...)`:
    a response that does not come from the routes. `make_response(response)` of a
    response in flight, or of the wrapped view's result, is that response, not a new one."""
    node = unwrap(node)
    if (
        frame.kind == "pyramid"
        and frame.next_calls
        and isinstance(node, ast.Attribute)
        and node.attr == "response"
        and frame.is_request(node.value)
    ):
        # a tween's own answer: `request.response`, 200 unless its status is set
        return Made(Value(200, frame.module.location(node)), None)
    if not isinstance(node, ast.Call):
        return None
    qualified = frame.module.qualified_name(node.func) or dotted(node.func)
    last = qualified.rsplit(".", 1)[-1]
    maker = _MAKERS[frame.kind].get(last)
    if maker is None:
        return None
    if not _framework_name(frame, node.func, qualified, last):
        return None
    args = [arg for arg in node.args if not isinstance(arg, ast.Starred)]
    keywords = {item.arg: item.value for item in node.keywords if item.arg}
    if last == "make_response" and args and _of_routes(frame, args[0]):
        return None
    status_keyword, status_at, headers_keyword, headers_at = maker
    status_node = keywords.get(status_keyword) if status_keyword else None
    if status_node is None and 0 <= status_at < len(args):
        status_node = args[status_at]
    headers_node = keywords.get(headers_keyword) if headers_keyword else None
    if headers_node is None and 0 <= headers_at < len(args):
        headers_node = args[headers_at]
    if last == "make_response" and len(args) == 2 and isinstance(args[1], ast.Dict):
        status_node, headers_node = None, args[1]  # make_response(body, headers)
    location = frame.module.location(node)
    if status_node is None:
        status = Value(_FIXED_STATUS.get(last, 200), location)
    else:
        status = status_value(frame, status_node)
    return Made(status, headers_node)


def _of_routes(frame: Frame, node: ast.expr) -> bool:
    """The response in flight or the wrapped view's result, or an item of it: a decorator's
    `make_response(result[0], result[1])` of a view's `(body, status)` tuple is the view's
    own answer, status included (census 10 B4, 14122mhl/5g-a-national-competition-dev-code
    middleware/cors.py)."""
    node = unwrap(node)
    if isinstance(node, ast.Subscript):
        node = unwrap(node.value)
    return frame.is_response(node) or is_routes_call(frame, node)


def _framework_name(frame: Frame, func: ast.expr, qualified: str, last: str) -> bool:
    """The maker is the framework's own, imported or reached through the app
    (`current_app.make_default_options_response()`, `app.response_class(...)`)."""
    if last in {"make_default_options_response", "response_class"}:
        return isinstance(func, ast.Attribute)
    if "." in qualified:
        return qualified.split(".", 1)[0] in _MODULES[frame.kind]
    return False


def status_value(frame: Frame, node: ast.expr) -> Value:
    """A status: a number, `HTTPStatus.NO_CONTENT`, `status.HTTP_204_NO_CONTENT`."""
    value = frame.resolve(node)
    if value.known and isinstance(value.raw, int) and not isinstance(value.raw, bool):
        return value
    if value.known and isinstance(value.raw, str) and value.raw[:3].isdigit():
        return Value(int(value.raw[:3]), value.location)  # WebOb's `status="204 No Content"`
    name = dotted(node).rsplit(".", 1)[-1]
    location = frame.module.location(node)
    if name.startswith("HTTP_") and name[5:8].isdigit():
        return Value(int(name[5:8]), location)
    if name in http.HTTPStatus.__members__:
        return Value(int(http.HTTPStatus[name]), location)
    return frame.module.unknown(node)


def is_routes_call(frame: Frame, node: ast.expr) -> bool:
    """`self.get_response(request)`, `await call_next(request)`, `view(request, ...)`:
    the request goes on, and what comes back is the routes' response."""
    node = unwrap(node)
    return isinstance(node, ast.Call) and (
        dotted(node.func) in frame.next_calls or super_call(node.func) in frame.next_calls
    )


def super_call(func: ast.expr) -> str:
    """`super().dispatch` / `super(CorsMixin, self).dispatch` -> "super().dispatch": the
    view a Django `dispatch` or DRF `finalize_response` override wraps."""
    if (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Call)
        and isinstance(func.value.func, ast.Name)
        and func.value.func.id == "super"
    ):
        return f"super().{func.attr}"
    return ""


def passes_response(frame: Frame, node: ast.expr) -> bool:
    """The response in flight, the routes' response, or `make_response(...)` of either."""
    node = unwrap(node)
    if frame.is_response(node) or is_routes_call(frame, node):
        return True
    if (
        isinstance(node, ast.Call)
        and dotted(node.func).rsplit(".", 1)[-1] == "make_response"
        and len(node.args) == 1
    ):
        return frame.is_response(node.args[0]) or is_routes_call(frame, node.args[0])
    return False


def canonical(header: str) -> str:
    return "-".join(part.capitalize() for part in header.strip().split("-"))


def is_cors_header(header: str) -> bool:
    lowered = header.strip().lower()
    return lowered.startswith("access-control-") or lowered == "vary"


def default_options_headers(node: ast.expr) -> bool:
    """`current_app.make_default_options_response().headers`: Flask's automatic answer."""
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "headers"
        and isinstance(node.value, ast.Call)
        and isinstance(node.value.func, ast.Attribute)
        and node.value.func.attr == "make_default_options_response"
    )


def is_headers(frame: Frame, node: ast.expr) -> bool:
    """`response.headers` of the response in flight (or a name for it: `h = resp.headers`)."""
    if (
        isinstance(node, ast.Attribute)
        and node.attr in {"headers", "headerlist"}
        and frame.is_response(node.value)
    ):
        return True
    name = dotted(node)
    return (bool(name) and name in frame.header_names) or asgi.message_headers(frame, node)


def carries_headers(frame: Frame, node: ast.expr) -> bool:
    """A response (also one made right there: `add_cors(jsonify(data))`), its
    headers, or a dict of headers being filled: a helper it is handed to may write
    CORS headers into it."""
    return (
        frame.is_response(node)
        or is_headers(frame, node)
        or dotted(node) in frame.bags
        or made_response(frame, node) is not None
        or is_routes_call(frame, node)  # `self._with_cors(self.get_response(request))`
    )


def falcon_allow_read(frame: Frame, node: ast.expr) -> bool:
    """`resp.get_header("Allow")` in a Falcon middleware whose resources are known."""
    return (
        frame.kind == "falcon"
        and frame.route_methods is not None
        and isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "get_header"
        and frame.is_response(node.func.value)
        and len(node.args) == 1
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
        and node.args[0].value.lower() == "allow"
    )
