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
    hooks: list[tuple[Function, ast.ClassDef | None, PythonModule]] = [
        (function, owner, module) for function, owner in _response_hooks(module)
    ]
    if context is not None and _may_register_elsewhere(module, covered):
        hooks += _registered_elsewhere(module, context)
    units: list[Unit] = []
    for function, owner, registrar in hooks:
        if function in covered or not (writes_cors(module, function) or _calls_writer(module, function)):
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
                _options_status(registrar if _options_status(module) == "unknown" else module),
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


def _may_register_elsewhere(module: PythonModule, covered: set[Function]) -> bool:
    """Whether a function or class method of the module could be read as a hook another
    module registers (the tests `sanic_units` makes of each): the scan for registrations
    parses every module naming `middleware` (PERF10)."""
    for node in module.tree.body:
        owner = node if isinstance(node, ast.ClassDef) else None
        for f in owner.body if owner is not None else [node]:
            if not isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)) or f in covered:
                continue
            names = method_parameters(f) if owner is not None else parameters(f)
            if len(names) >= 2 and writes_cors(module, f):
                return True
    return False


def _registered_elsewhere(
    module: PythonModule, context: ProjectContext
) -> list[tuple[Function, ast.ClassDef | None, PythonModule]]:
    """Methods of this module's classes that another module registers on instances it
    makes: `for cls in LAYERS: layer = cls(); app.register_middleware(layer.on_response,
    attach_to="response")` (rensongqi/sanic-adminapi core/__init__.py, census 5 P25),
    where the class is named in the project outside its own module (`LAYERS = (...)`);
    and this module's functions another module registers by name, `app.middleware(cors,
    "response")` (octaspace/blender-addon transfer_manager/main.py, inside `main()`)."""
    registered: set[str] = set()
    functions: dict[str, PythonModule] = {}  # `app.middleware(cors, "response")`: the registrar
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
            if attach is None or other.resolve(attach).raw != "response":  # also `RESPONSE = "response"`
                continue
            if isinstance(target, ast.Attribute) and call.func.attr == "register_middleware":
                registered.add(target.attr)
            elif isinstance(target, ast.Name) and (
                stem in other.text.encode() or _names_function_of(other, target, module)
            ):
                functions.setdefault(target.id, other)
    found: list[tuple[Function, ast.ClassDef | None, PythonModule]] = [
        (f, None, functions[f.name])
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
            found += [(method, cls, module) for method in methods]
    return found


def _calls_writer(module: PythonModule, function: Function) -> bool:
    """Hands the response to a function of this module that writes the headers: Sanic's
    how-to recipe, `add_cors_headers(request, response)` calling `_add_cors_headers(response,
    methods)` (Daftscientist/project-1 backend/core/cors/cors.py)."""
    writers = {
        f.name
        for f in module.tree.body
        if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
        and f is not function
        and writes_cors(module, f)
    }
    names = parameters(function)
    return bool(writers) and any(
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in writers
        and any(isinstance(a, ast.Name) and a.id in names[1:2] for a in node.args)
        for node in ast.walk(function)
    )


def _names_function_of(other: PythonModule, target: ast.Name, home: PythonModule) -> bool:
    """`from cors import cors` where the package `cors/__init__.py` re-exports the
    function of `cors/cors.py` (hisdream86/python-sanic-example, census 7 B17)."""
    qualified = other.qualified_name(target) or ""
    if other.project is None or "." not in qualified:
        return False
    found = other.project.lookup(other, qualified)
    for _ in range(2):  # up to two re-exports
        if found is None or found[0] is home:
            break
        exported = found[0].imports.get(found[1])
        found = other.project.lookup(found[0], exported) if exported and "." in exported else None
    return found is not None and found[0] is home and found[1] == target.id


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
    for call in module.calls:  # a request middleware registered by call may answer OPTIONS
        name = call.func.attr if isinstance(call.func, ast.Attribute) else ""
        attach = call.args[1] if len(call.args) > 1 else _keyword(call, "attach_to")
        if (name == "on_request" and call.args) or (
            name in {"middleware", "register_middleware"}
            and attach is not None
            and module.resolve(attach).raw == "request"
        ):
            return "unknown"
    return NOT_ROUTED if routed else "unknown"
