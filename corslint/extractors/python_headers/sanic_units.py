"""Sanic's hand-written CORS layers: response middleware, `(request, response)`
functions registered with `@app.middleware("response")`, `@app.on_response`,
`app.register_middleware(fn, "response")` (a class's `self.add_headers` included) or
`app.register_middleware(fn, attach_to="response")`, writing onto the response.

Measured with Sanic 25.12 (tests/test_python_headers.py runs the fixtures): response
middleware runs on every answer, the router's 404 and 405 included, and writes
`str(value)`; an OPTIONS request no route takes is answered 405, so preflights need an
OPTIONS route (or a request middleware that answers them, left unknown here)."""

from __future__ import annotations

import ast

from corslint.extractors.context import ProjectContext
from corslint.extractors.python import PythonModule
from corslint.extractors.python_headers.frame import dotted
from corslint.extractors.python_headers.project_scan import modules_mentioning
from corslint.extractors.python_headers.unit import (
    Function,
    Unit,
    functions_in,
    method_parameters,
    parameters,
    request_response_phase,
    writes_cors,
)

NOT_ROUTED = None  # Sanic answers an OPTIONS no route takes with 405


def uses_sanic(module: PythonModule) -> bool:
    return any(q == "sanic" or q.startswith("sanic.") for q in module.imports.values())


def sanic_units(
    module: PythonModule, covered: set[Function], context: ProjectContext | None = None
) -> list[Unit]:
    hooks = _response_hooks(module)
    if context is not None:
        hooks += _registered_elsewhere(module, context)
    units: list[Unit] = []
    for function, owner in hooks:
        if function in covered or not writes_cors(module, function):
            continue
        names = method_parameters(function) if owner is not None else parameters(function)
        if len(names) < 2:
            continue
        phase = request_response_phase(module, function, names, owner)
        units.append(
            Unit(
                "sanic",
                "middleware",
                module.location(function),
                [phase],
                _options_status(module),
                f"response middleware {function.name}()",
            )
        )
        covered.add(function)
    return units


def _response_hooks(module: PythonModule) -> list[tuple[Function, ast.ClassDef | None]]:
    """The response middleware defined in the module, with the class that owns a method."""
    found: list[tuple[Function, ast.ClassDef | None]] = []
    for function in functions_in(module.tree):
        if any(_is_response_decorator(node) for node in function.decorator_list):
            found.append((function, None))
    top = {f.name: f for f in module.tree.body if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))}
    classes = [c for c in module.tree.body if isinstance(c, ast.ClassDef)]
    for call in module.calls:
        if not (
            isinstance(call.func, ast.Attribute) and call.func.attr == "register_middleware" and call.args
        ):
            continue
        attach = (
            call.args[1]
            if len(call.args) > 1
            else next((k.value for k in call.keywords if k.arg == "attach_to"), None)
        )
        if not (isinstance(attach, ast.Constant) and attach.value == "response"):
            continue
        target = dotted(call.args[0])
        if target in top:
            found.append((top[target], None))
        elif target.startswith("self."):
            for cls in classes:
                if any(node is call for node in ast.walk(cls)):
                    method = next(
                        (
                            f
                            for f in cls.body
                            if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
                            and f.name == target.removeprefix("self.")
                        ),
                        None,
                    )
                    if method is not None:
                        found.append((method, cls))
    return found


def _registered_elsewhere(
    module: PythonModule, context: ProjectContext
) -> list[tuple[Function, ast.ClassDef | None]]:
    """Methods of this module's classes that another module registers on instances it
    makes: `for cls in LAYERS: layer = cls(); app.register_middleware(layer.on_response,
    attach_to="response")` (rensongqi/sanic-adminapi core/__init__.py, census 5 P25),
    where the class is named in the project outside its own module (`LAYERS = (...)`);
    and this module's functions another module registers by name, `app.middleware(cors,
    "response")` (octaspace/blender-addon transfer_manager/main.py, inside `main()`)."""
    registered: set[str] = set()
    functions: set[str] = set()  # `app.middleware(cors, "response")` of an imported function
    stem = module.path.rsplit("/", 1)[-1].removesuffix(".py").encode()
    for other in modules_mentioning(module, context, b"middleware"):
        for call in other.calls:
            if not (
                isinstance(call.func, ast.Attribute)
                and call.func.attr in {"register_middleware", "middleware"}
                and call.args
            ):
                continue
            attach = call.args[1] if len(call.args) > 1 else _keyword(call, "attach_to")
            target = call.args[0]
            if not (isinstance(attach, ast.Constant) and attach.value == "response"):
                continue
            if isinstance(target, ast.Attribute) and call.func.attr == "register_middleware":
                registered.add(target.attr)
            elif isinstance(target, ast.Name) and stem in other.text.encode():
                functions.add(target.id)
    found: list[tuple[Function, ast.ClassDef | None]] = [
        (f, None)
        for f in module.tree.body
        if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)) and f.name in functions
    ]
    for cls in (c for c in module.tree.body if isinstance(c, ast.ClassDef)):
        methods = [
            f
            for f in cls.body
            if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)) and f.name in registered
        ]
        if methods and modules_mentioning(module, context, cls.name.encode()):
            found += [(method, cls) for method in methods]
    return found


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _is_response_decorator(node: ast.expr) -> bool:
    """`@app.middleware("response")`, `@app.middleware(attach_to="response")`,
    `@app.on_response`, `@app.on_response()`."""
    target = node.func if isinstance(node, ast.Call) else node
    name = dotted(target).rsplit(".", 1)[-1]
    if name == "on_response":
        return True
    if name != "middleware" or not isinstance(node, ast.Call):
        return False
    given = (
        node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "attach_to"), None)
    )
    return isinstance(given, ast.Constant) and given.value == "response"


def _options_status(module: PythonModule) -> int | str | None:
    """What answers a preflight: a route or request middleware of this module that
    handles OPTIONS (what it answers is not read here), else Sanic's 405; not known for
    a module without routes (an extension: the app's routes are elsewhere)."""
    routed = False
    for function in functions_in(module.tree):
        for node in function.decorator_list:
            target = node.func if isinstance(node, ast.Call) else node
            verb = dotted(target).rsplit(".", 1)[-1]
            routed = routed or verb in {"route", "get", "post", "put", "patch", "delete", "websocket"}
            if verb == "options" or (
                verb in {"route", "add_route"} and "OPTIONS" in module.source(node).upper()
            ):
                return "unknown"
            if verb in {"middleware", "on_request"} and "OPTIONS" in module.source(function).upper():
                return "unknown"
    return NOT_ROUTED if routed else "unknown"
