"""Bottle's hand-written CORS layers: `@hook("after_request")` (or `@app.hook(...)`,
`app.add_hook("after_request", fn)`) functions that write onto the thread-local
`bottle.response`, and `before_request` hooks that answer with `raise HTTPResponse(...)`.

Measured with Bottle 0.13: the after-request hooks run on every answer, the router's 404
and 405 included; an OPTIONS request no route takes is answered 405, so preflights need
an OPTIONS route, usually a catch-all (`@route("/<:re:.*>", method="OPTIONS")`)."""

from __future__ import annotations

import ast

from corslint.extractors.python import PythonModule
from corslint.extractors.python_headers.frame import dotted
from corslint.extractors.python_headers.unit import Function, Phase, Unit, functions_in, writes_cors

NOT_ROUTED = None  # Bottle answers an OPTIONS no route takes with 405
_CATCH_ALL = ("<:re:.*>", "<:re:.+>", "<:path>", "<path:path>", "<url:re:.*>", "<url:path>")


def globals_named(module: PythonModule, attribute: str) -> frozenset[str]:
    """How the module names `bottle.request` / `bottle.response`: `response`, `bottle.response`."""
    names = {name for name, qualified in module.imports.items() if qualified == f"bottle.{attribute}"}
    names |= {f"{name}.{attribute}" for name, qualified in module.imports.items() if qualified == "bottle"}
    return frozenset(names)


def bottle_units(module: PythonModule, covered: set[Function]) -> list[Unit]:
    hooks = _hooks(module)
    if not any(writes_cors(module, function) or _calls_writer(module, function) for _, function in hooks):
        return []
    requests, responses = globals_named(module, "request"), globals_named(module, "response")
    status, options_view = _options_route(module)
    phases = [
        Phase(module, function, requests=requests, responses=responses)
        for kind, function in hooks
        if kind == "before_request"
    ]
    if options_view is not None and (
        writes_cors(module, options_view) or _calls_writer(module, options_view)
    ):
        phases.append(Phase(module, options_view, requests=requests, responses=responses, base=("OPTIONS",)))
    phases += [
        Phase(module, function, requests=requests, responses=responses)
        for kind, function in hooks
        if kind == "after_request"
    ]
    covered.update(phase.function for phase in phases)
    names = ", ".join(f"{function.name}()" for _, function in hooks)
    return [Unit("bottle", "hook", module.location(hooks[0][1]), phases, status, f"hooks {names}")]


def _hooks(module: PythonModule) -> list[tuple[str, Function]]:
    found: list[tuple[str, Function]] = []
    for function in functions_in(module.tree):
        for node in function.decorator_list:
            if (
                isinstance(node, ast.Call)
                and dotted(node.func).rsplit(".", 1)[-1] == "hook"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and node.args[0].value in {"after_request", "before_request"}
            ):
                found.append((node.args[0].value, function))
    named = {f.name: f for f in module.tree.body if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))}
    for call in module.calls:
        if (
            isinstance(call.func, ast.Attribute)
            and call.func.attr == "add_hook"
            and len(call.args) == 2
            and isinstance(call.args[0], ast.Constant)
            and call.args[0].value in {"after_request", "before_request"}
            and dotted(call.args[1]) in named
        ):
            found.append((call.args[0].value, named[dotted(call.args[1])]))
    return found


def _calls_writer(module: PythonModule, function: Function) -> bool:
    """`add_cors_headers()`: a module function that writes the headers onto the response."""
    named = {f.name: f for f in module.tree.body if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))}
    return any(
        isinstance(node, ast.Call)
        and dotted(node.func) in named
        and writes_cors(module, named[dotted(node.func)])
        for node in ast.walk(function)
    )


def _options_route(module: PythonModule) -> tuple[int | str | None, Function | None]:
    """What answers OPTIONS: a catch-all OPTIONS route (200, and its view), some other
    OPTIONS route (not known for the path probed), or nothing (405)."""
    status: int | str | None = NOT_ROUTED
    for function in functions_in(module.tree):
        for node in function.decorator_list:
            if not (isinstance(node, ast.Call) and dotted(node.func).rsplit(".", 1)[-1] == "route"):
                continue
            method = next((k.value for k in node.keywords if k.arg == "method"), None)
            if method is None and len(node.args) > 1:
                method = node.args[1]
            methods = module.resolve(method) if method is not None else None
            listed = [v.raw for v in methods.entries] if methods is not None and methods.known else []
            if "OPTIONS" not in [m.upper() for m in listed if isinstance(m, str)]:
                continue
            path = node.args[0] if node.args else None
            if isinstance(path, ast.Constant) and any(marker in str(path.value) for marker in _CATCH_ALL):
                return 200, function
            status = "unknown"
    return status, None
