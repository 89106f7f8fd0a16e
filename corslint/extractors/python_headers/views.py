"""Which requests a view runs for: Flask's route decorators, Django's method decorators,
FastAPI's verb decorators; and the routes of an app, for judging allowed methods."""

from __future__ import annotations

import ast

from corslint.extractors.python import PythonModule
from corslint.extractors.python_headers.frame import dotted
from corslint.extractors.python_headers.unit import (
    HTTP_VERBS,
    Function,
    Phase,
    decorator_name,
    functions_in,
    method_parameters,
    string_list,
    with_head,
    writes_cors,
)
from corslint.model import Route

_DJANGO_DECORATORS = {
    "require_GET": ("GET",),
    "require_POST": ("POST",),
    "require_safe": ("GET", "HEAD"),
}


def flask_methods(module: PythonModule, function: Function) -> tuple[str, ...] | None:
    """The methods a Flask view is routed for (`@app.route(..., methods=[...])`,
    `@bp.get(...)`), HEAD with GET; None when it has no route decorator here."""
    found: list[str] = []
    routed = False
    for node in function.decorator_list:
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        verb = node.func.attr
        if verb == "route":
            routed = True
            keyword = next((kw.value for kw in node.keywords if kw.arg == "methods"), None)
            listed = string_list(module, keyword) if keyword is not None else ("GET",)
            if listed is None:
                return None
            found += listed
        elif verb in HTTP_VERBS and verb not in {"head", "options"}:
            routed = True
            found.append(verb.upper())
    return with_head(tuple(dict.fromkeys(found))) if routed else None


def starlette_methods(module: PythonModule, function: Function) -> tuple[str, ...] | None:
    """FastAPI's `@app.get(...)` / `@router.api_route(..., methods=[...])`."""
    found: list[str] = []
    for node in function.decorator_list:
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        verb = node.func.attr
        if verb in HTTP_VERBS:
            found.append(verb.upper())
        elif verb in {"api_route", "route"}:
            keyword = next((kw.value for kw in node.keywords if kw.arg == "methods"), None)
            listed = string_list(module, keyword) if keyword is not None else ("GET",)
            if listed is None:
                return None
            found += listed
    return tuple(dict.fromkeys(found)) or None


def django_methods(module: PythonModule, function: Function) -> tuple[str, ...] | None:
    """`@require_GET`, `@require_http_methods([...])`, DRF's `@api_view([...])`; None:
    the view runs for every method."""
    for node in function.decorator_list:
        name = decorator_name(node).rsplit(".", 1)[-1]
        if name in _DJANGO_DECORATORS:
            return _DJANGO_DECORATORS[name]
        if name in {"require_http_methods", "api_view"} and isinstance(node, ast.Call) and node.args:
            return string_list(module, node.args[0])
    return None


def app_routes(module: PythonModule, verbs_only: bool = False) -> tuple[Route, ...] | None:
    """The routes decorated in this module (Flask `@app.route`, `@bp.put`, FastAPI
    `@app.put`); None when there are none here, so the app's routes are unknown."""
    routes: list[Route] = []
    for function in functions_in(module.tree):
        for node in function.decorator_list:
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                continue
            verb = node.func.attr
            path = node.args[0] if node.args else None
            text = path.value if isinstance(path, ast.Constant) and isinstance(path.value, str) else "/"
            methods: tuple[str, ...] | None = None
            if verb in HTTP_VERBS and verb not in {"head", "options"}:
                methods = (verb.upper(),)
            elif verb == "route" and not verbs_only:
                keyword = next((kw.value for kw in node.keywords if kw.arg == "methods"), None)
                methods = string_list(module, keyword) if keyword is not None else ("GET",)
            if methods is None or dotted(node.func.value) in {"", "self"}:
                continue
            routes.append(Route(text, methods, module.location(node)))
    return tuple(routes) or None


def class_view_phases(module: PythonModule, node: ast.ClassDef, *, request_parameter: bool) -> list[Phase]:
    """A class-based view (Django's `View`, Flask's `MethodView`, a Flask-RESTful
    `Resource`): each handler runs for its own method, `options()` for OPTIONS. The rules
    probe with GET: without a `get()`, the first other handler stands for the requests the
    view serves. Empty when no handler writes CORS headers."""
    handlers = [
        f
        for f in node.body
        if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)) and f.name in HTTP_VERBS
    ]
    if not any(writes_cors(module, f) or _calls_own_writer(module, node, f) for f in handlers):
        return []
    names = [f.name for f in handlers]
    stand_in = "get" if "get" in names else next((n for n in names if n not in {"options", "head"}), None)
    phases: list[Phase] = []
    for function in handlers:
        verb = function.name.upper()
        if function.name == "options":
            base: tuple[str, ...] = ("OPTIONS",)
        elif function.name == stand_in:
            others = [n.upper() for n in names if n not in {stand_in, "options"}]
            base = ("!OPTIONS", *((f"!METHOD:{','.join(others)}",) if others else ()))
        else:
            base = (f"METHOD:{verb}",)
        requests = frozenset(method_parameters(function)[:1]) if request_parameter else frozenset()
        phases.append(Phase(module, function, requests=requests, base=base, owner=node))
    return phases


def _calls_own_writer(module: PythonModule, node: ast.ClassDef, handler: Function) -> bool:
    """The handler hands its response to a method of the class that writes the headers
    (`return self.finalize(JsonResponse(...))`, census 7 B2: 13pi/HipstaChat api/views.py)."""
    writers = {
        f.name
        for f in node.body
        if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
        and f.name not in HTTP_VERBS
        and writes_cors(module, f)
    }
    return bool(writers) and any(
        isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and dotted(n.func.value) == "self"
        and n.func.attr in writers
        for n in ast.walk(handler)
    )
