"""A CORS layer written by hand: the functions the framework runs for a request, in
order, and how each reads the request and the response (`Phase`)."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from corslint.extractors.python import PythonModule
from corslint.extractors.python.library_constants import library_header_name
from corslint.extractors.python_headers.frame import Alternative, dotted
from corslint.extractors.python_headers.tree_index import functions_below, header_constants
from corslint.model import Evidence, Location, Route, Value

Function = ast.FunctionDef | ast.AsyncFunctionDef
HTTP_VERBS = ("get", "post", "put", "patch", "delete", "head", "options")
ACCESS_CONTROL = "access-control-"


@dataclass
class Phase:
    """One function of the layer and what its parameters hold."""

    module: PythonModule
    function: Function
    requests: frozenset[str] = frozenset()
    responses: frozenset[str] = frozenset()
    next_calls: frozenset[str] = frozenset()
    base: tuple[str, ...] = ()
    self_writes: bool = False
    answers_on_return: bool = False
    values: dict[str, list[Alternative]] = field(default_factory=dict)
    owner: ast.ClassDef | None = None
    opening_status: int | None = None  # Tornado `options()`: answered 200 unless it says otherwise
    local_functions: dict[str, Function] = field(default_factory=dict)
    # functions whose own statements run first, once (a decorator factory normalising its
    # options): they bind locals, and write nothing
    preludes: tuple[Function, ...] = ()
    # what a subscript read of a missing request header answers: 500 in Flask too
    # (Werkzeug 3.1 raises a plain KeyError, measured) as elsewhere
    missing_status: int = 500
    # a use of a decorator factory: what its options (these names) decide is reported there
    use_site: Location | None = None
    use_names: frozenset[str] = frozenset()
    # aiohttp: the routes' handler raises the router's 405 for an OPTIONS no route takes,
    # so nothing after `await handler(request)` runs for it
    routes_raise: bool = False
    send: str = ""  # ASGI: the parameter a response is sent through
    known: dict[str, Value] = field(default_factory=dict)  # `settings.X` resolved in the project
    # Falcon: no other layer writes Access-Control-* headers onto the response before this
    # code does (falcon_stack.py), so `resp.get_header(...)` finds only its own
    first_writer: bool = False
    # WSGI: the parameter of a `start_response` wrapper that holds the header list
    header_lists: frozenset[str] = frozenset()
    # WSGI: the `start_response` parameter of an app whose calls of it answer the request
    wsgi_start: str = ""
    # http.server's `do_GET`: the status of an answer to a simple request decides nothing
    status_free: bool = False


def request_response_phase(
    module: PythonModule, function: Function, names: list[str], owner: ast.ClassDef | None
) -> Phase:
    """A function handed the request, then the response it writes on
    (`process_response(request, response)`); `names` are its parameters, `self` left out."""
    return Phase(
        module, function, requests=frozenset(names[:1]), responses=frozenset(names[1:2]), owner=owner
    )


@dataclass
class Unit:
    """One layer: its phases in the order they run, and what the app does around them."""

    kind: str  # flask, django, starlette, tornado, aiohttp, asgi, bottle, pyramid, falcon, http_server
    role: str  # hook, middleware, view, decorator, handler, helper
    location: Location
    phases: list[Phase]
    # what the app answers to an OPTIONS request the code does not answer
    options_status: int | str | None
    label: str
    routes: tuple[Route, ...] | None = None
    route_methods: tuple[str, ...] | None = None
    app: str = ""
    # what the app around the layer says of itself: a DRF token scheme in the settings
    evidence: tuple[Evidence, ...] = ()
    # an inner layer adds `Vary: Origin` to every response before this one writes (a Django
    # middleware listed before django-cors-headers' CorsMiddleware): where it is listed
    inner_vary: Location | None = None
    # the origins an inner layer answers preflights for (corsheaders' allow-list), None: none
    inner_preflight_origins: frozenset[str] | None = None
    # on an app an app-wide CORS library layer is on (Flask-CORS `CORS(app)`; a Django view
    # inside django-cors-headers' middleware)
    beside_library: bool = False


def writes_cors(module: PythonModule, node: ast.AST) -> bool:
    """Whether the code mentions an Access-Control-* header, itself or through a module
    constant it reads (`headers=CORS_HEADERS`): the cheap first test."""
    if ACCESS_CONTROL in module.source(node).lower():
        return True
    # a CORS library's header-name constant (`ACCESS_CONTROL_ALLOW_ORIGIN` from corsheaders)
    constants = header_constants(module, ACCESS_CONTROL) | {
        local for local, qualified in module.imports.items() if library_header_name(qualified)
    }
    return bool(constants) and any(isinstance(n, ast.Name) and n.id in constants for n in ast.walk(node))


def functions_in(node: ast.AST) -> list[Function]:
    """Every function defined in `node`, nested ones too, in source order."""
    return list(functions_below(node))


def parameters(function: Function) -> list[str]:
    return [a.arg for a in (*function.args.posonlyargs, *function.args.args)]


def method_parameters(function: Function) -> list[str]:
    names = parameters(function)
    return names[1:] if names and names[0] in {"self", "cls"} else names


def import_roots(module: PythonModule) -> set[str]:
    """The top-level packages the module imports; a relative import (`from . import
    tornado`, a module of the project's own) names none."""
    roots = {q.split(".")[0] for q in module.imports.values() if not q.startswith(".")}
    return roots | {name.split(".")[0] for name in module.star_imports if not name.startswith(".")}


def string_list(module: PythonModule, node: ast.expr | None) -> tuple[str, ...] | None:
    if node is None:
        return None
    value = module.resolve(node)
    if not value.known:
        return None
    items = value.raw if isinstance(value.raw, tuple) else (value,)
    found = tuple(item.raw.upper() for item in items if item.known and isinstance(item.raw, str))
    return found if len(found) == len(items) else None


def decorator_name(node: ast.expr) -> str:
    """`app.route` for `@app.route("/x")`, `crossdomain` for `@crossdomain(origin="*")`."""
    return dotted(node.func if isinstance(node, ast.Call) else node)


def view_base(methods: tuple[str, ...] | None) -> tuple[str, ...]:
    """The conditions a view's code runs under. The rules probe a view with GET, standing
    for the requests it serves, so only OPTIONS is told apart: the view runs for it
    when it is routed, else the framework answers it (or refuses it) without the view.
    A view that reads only (GET, HEAD) never runs for the other methods, which the
    framework refuses: no page ever preflights a request to it."""
    if methods is not None and set(methods) <= {"OPTIONS"}:
        return ("OPTIONS",)  # a route that only answers preflights
    reading = reads_only(methods)
    if reading is not None:
        return (reading,)
    return () if methods is None or "OPTIONS" in methods else ("!OPTIONS",)


def reads_only(methods: tuple[str, ...] | None) -> str | None:
    """`METHOD:GET,HEAD[,OPTIONS]` for views routed for reading only; else None."""
    if methods is None:
        return None
    served = set(methods) - {"OPTIONS"}
    if not served or not served <= {"GET", "HEAD"}:
        return None
    return "METHOD:" + ",".join(["GET", "HEAD", *(["OPTIONS"] if "OPTIONS" in methods else [])])


def with_head(methods: tuple[str, ...]) -> tuple[str, ...]:
    """Flask, Django's class views and Tornado answer HEAD with the GET handler."""
    return (*methods, "HEAD") if "GET" in methods and "HEAD" not in methods else methods


_ROOTS = {
    "flask": {"flask", "werkzeug", "flask_restful", "flask_restx", "flask_smorest", "nameko"},
    "django": {"django", "rest_framework"},
    "starlette": {"starlette", "fastapi"},
    "tornado": {"tornado"},
    "aiohttp": {"aiohttp"},
    "bottle": {"bottle"},
    "pyramid": {"pyramid"},
    "falcon": {"falcon"},
}
# frameworks this extractor does not model, whose code can look like one it does
_OTHERS = {"quart", "sanic", "cherrypy", "litestar", "chalice"}
# Falcon's middleware methods take the response too: (req, resp), (req, resp, resource, ...)
_FALCON_ARITY = {"process_request": 2, "process_resource": 4, "process_response": 3}


def module_kinds(module: PythonModule) -> list[str]:
    """The frameworks the module's imports name; for a module that imports none (a
    middleware module needs no import), the one its shape names."""
    roots = import_roots(module)
    kinds = [kind for kind, names in _ROOTS.items() if roots & names]
    if kinds or roots & _OTHERS:
        return kinds
    for node in ast.walk(module.tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if any(
                decorator_name(d).rpartition(".")[2] in {"after_request", "after_app_request"}
                for d in node.decorator_list
            ):
                return ["flask"]
            if node.name in _FALCON_ARITY and len(method_parameters(node)) >= _FALCON_ARITY[node.name]:
                return ["falcon"]
            if node.name in {"process_response", "process_request"} or "get_response" in parameters(node):
                return ["django"]
            if parameters(node)[-2:] == ["handler", "registry"]:
                return ["pyramid"]  # a tween factory, or its class's `__init__`
    return []


# methods that write a header onto what they are called on (`resp.setdefault(...)`,
# `headers.append((name, value))`); any other call (`check.ping(...)`, healthchecks
# hc/api/views.py:238) does not make the parameter a response
_HEADER_METHODS = frozenset({"setdefault", "update", "append", "extend", "add", "set"})


def _header_call(func: ast.Attribute) -> bool:
    if isinstance(func.value, ast.Attribute) and func.value.attr in {"headers", "vary"}:
        return True
    return "header" in func.attr.lower() or func.attr in _HEADER_METHODS


def response_parameters(module: PythonModule, function: Function, owner: ast.ClassDef | None) -> list[str]:
    """Parameters the function writes headers onto: `p.headers[...] = `, `p[...] = `."""
    names = method_parameters(function) if owner is not None else [a.arg for a in function.args.args]
    found: list[str] = []
    for node in ast.walk(function):
        target: ast.expr | None = None
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Subscript):
            target = node.targets[0].value
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and _header_call(node.func):
            target = node.func.value
        if target is None:
            continue
        holder = (
            target.value
            if isinstance(target, ast.Attribute) and target.attr in {"headers", "vary"}
            else target
        )
        name = dotted(holder)
        if name in names and name not in found and name not in {"request", "req"}:
            found.append(name)
    return found
