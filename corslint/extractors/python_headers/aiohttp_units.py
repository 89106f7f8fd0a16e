"""aiohttp's hand-written CORS layers.

A middleware (`@web.middleware async def cors(request, handler)`, or the old-style
factory `async def cors(app, handler)` returning `async def middleware(request)`) runs
around the route's handler; `await handler(request)` raises the router's
`HTTPMethodNotAllowed` for an OPTIONS request no route takes, so what the middleware
writes after it never reaches that 405 (measured with aiohttp 3.14: the 405 carries only
`Allow`). An `app.on_response_prepare` signal handler `(request, response)` runs on every
response as it is sent, the router's 404 and 405 included."""

from __future__ import annotations

import ast

from corslint.extractors.python import PythonModule
from corslint.extractors.python_headers.frame import dotted
from corslint.extractors.python_headers.tree_index import owning_class
from corslint.extractors.python_headers.unit import (
    Function,
    Phase,
    Unit,
    functions_in,
    method_parameters,
    parameters,
    request_response_phase,
    writes_cors,
)

NOT_ROUTED = None  # aiohttp's router answers an OPTIONS no route takes with 405


def aiohttp_units(module: PythonModule, covered: set[Function]) -> list[Unit]:
    preflight: int | str | None = "unknown" if _routes_options(module) else NOT_ROUTED
    prepared = _prepare_handlers(module)
    units: list[Unit] = []
    for function in functions_in(module.tree):
        if function in covered or not (writes_cors(module, function) or _calls_cors_helper(module, function)):
            continue
        owner = _owner(module, function)
        names = method_parameters(function) if owner is not None else parameters(function)
        if _is_middleware(module, function) and len(names) >= 2:
            phase = Phase(
                module,
                function,
                requests=frozenset(names[:1]),
                next_calls=frozenset(names[1:2]),
                owner=owner,
                routes_raise=preflight is NOT_ROUTED,
            )
            label = f"middleware {function.name}()"
        elif function.name in prepared and len(names) >= 2:
            phase = request_response_phase(module, function, names, owner)
            label = f"on_response_prepare handler {function.name}()"
        else:
            inner = _old_style_inner(function)
            if inner is None:
                continue
            phase = Phase(
                module,
                inner,
                requests=frozenset(parameters(inner)[:1]),
                next_calls=frozenset(names[1:2]),
                routes_raise=preflight is NOT_ROUTED,
            )
            label = f"middleware {function.name}()"
            covered.add(inner)
        units.append(Unit("aiohttp", "middleware", module.location(function), [phase], preflight, label))
        covered.add(function)
    return units


def _is_middleware(module: PythonModule, function: Function) -> bool:
    """`@web.middleware`, `@middleware`, `@aiohttp.web.middlewares.middleware`."""
    for node in function.decorator_list:
        qualified = module.qualified_name(node) or ""
        if qualified.startswith("aiohttp.") and qualified.rsplit(".", 1)[-1] == "middleware":
            return True
    return False


def _old_style_inner(function: Function) -> Function | None:
    """`async def cors(app, handler): async def middleware(request): ...; return middleware`."""
    names = parameters(function)
    if len(names) != 2 or names[1] != "handler":
        return None
    for statement in function.body:
        if isinstance(statement, ast.AsyncFunctionDef) and len(parameters(statement)) == 1:
            returned = any(
                isinstance(s, ast.Return) and s.value is not None and dotted(s.value) == statement.name
                for s in function.body
            )
            if returned:
                return statement
    return None


def _prepare_handlers(module: PythonModule) -> set[str]:
    """Names appended to `app.on_response_prepare` in this module."""
    found: set[str] = set()
    for call in module.calls:
        func = call.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr in {"append", "insert"}
            and isinstance(func.value, ast.Attribute)
            and func.value.attr == "on_response_prepare"
            and call.args
        ):
            found.add(dotted(call.args[-1]).rsplit(".", 1)[-1])
    return found


def _routes_options(module: PythonModule) -> bool:
    """A route here answers OPTIONS itself (`add_options`, `add_route("*", ...)`,
    `web.options(...)`, `@routes.options`): what the app answers then is not known."""
    for call in module.calls:
        func = call.func
        name = func.attr if isinstance(func, ast.Attribute) else dotted(func)
        if name in {"add_options", "options"}:
            return True
        if name in {"add_route", "route"} and call.args:
            first = call.args[0]
            if isinstance(first, ast.Constant) and first.value in {"*", "OPTIONS"}:
                return True
    return False


def _owner(module: PythonModule, function: Function) -> ast.ClassDef | None:
    return owning_class(module.tree, function)


def _calls_cors_helper(module: PythonModule, function: Function) -> bool:
    """`add_cors(response.headers, allowed)`: a middleware whose headers a function of
    this module writes (webdeveloppro/aiohttp_boilerplate, middleware/defaults.py)."""
    helpers = {
        node.name: node
        for node in module.tree.body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node is not function
    }
    if any(
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Name)
        and call.func.id in helpers
        and writes_cors(module, helpers[call.func.id])
        for call in ast.walk(function)
    ):
        return True
    # `return await self.options_cors(request)`: a method of the middleware's own class
    # answers (bogonets/answer core/recc/http/v2/router_v2_plugins.py)
    owner = _owner(module, function)
    if owner is None:
        return False
    methods = {
        node.name: node
        for node in owner.body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node is not function
    }
    return any(
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and dotted(call.func.value) == "self"
        and call.func.attr in methods
        and writes_cors(module, methods[call.func.attr])
        for call in ast.walk(function)
    )
