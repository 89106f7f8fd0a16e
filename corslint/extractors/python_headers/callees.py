"""The project functions a call reaches, for reading a helper the response is handed to
(`add_cors_headers(response)`, `self._cors(response)`, `cors.apply(response, request)`)."""

from __future__ import annotations

import ast
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace

from corslint.extractors.python import PythonModule
from corslint.extractors.python_headers.frame import Alternative, BagEntry, Frame, dotted
from corslint.extractors.python_headers.responses import is_headers, is_routes_call, made_response

Function = ast.FunctionDef | ast.AsyncFunctionDef


@dataclass(frozen=True)
class Callee:
    """A function a call reaches, and the class it is a method of (for `self.x()`)."""

    module: PythonModule
    function: Function
    owner: ast.ClassDef | None = None

    @property
    def key(self) -> str:
        return f"{self.module.path}:{self.function.lineno}"


def callee_of(module: PythonModule, call: ast.Call, owner: ast.ClassDef | None) -> Callee | None:
    """A method of `owner` (`self.x()`), a function of the module, or one imported from
    the project."""
    func = call.func
    if isinstance(func, ast.Attribute) and dotted(func.value) in {"self", "cls"}:
        if owner is None:
            return None
        found = _named(owner.body, func.attr)
        return Callee(module, found, owner) if found is not None else None
    if isinstance(func, ast.Name):
        found = _named(module.tree.body, func.id)
        if found is not None:
            return Callee(module, found)
    static = static_method(module, func)
    if static is not None:
        return Callee(module, static)
    qualified = module.qualified_name(func)
    if qualified and module.project is not None and "." in qualified:
        reached = module.project.lookup(module, qualified)
        if reached is not None:
            found = _named(reached[0].tree.body, reached[1])
            if found is not None:
                return Callee(reached[0], found)
    return None


def static_method(module: PythonModule, func: ast.expr) -> Function | None:
    """`CORSHeaders.add_cors_headers(self)`: a `@staticmethod` of a module-level class,
    called through the class (census 6 P28, Kevinaie18/token-analyzer api/cors.py)."""
    if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)):
        return None
    owner = next(
        (c for c in module.tree.body if isinstance(c, ast.ClassDef) and c.name == func.value.id), None
    )
    found = _named(owner.body, func.attr) if owner is not None else None
    if found is None or not any(dotted(d) == "staticmethod" for d in found.decorator_list):
        return None
    return found


def _named(body: list[ast.stmt], name: str) -> Function | None:
    for statement in body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and statement.name == name:
            return statement
    return None


def arguments_bound(callee: Callee, call: ast.Call) -> list[tuple[str, ast.expr]]:
    """(parameter, argument) for each argument of the call that names a parameter."""
    function = callee.function
    names = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
    if callee.owner is not None and names and names[0] in {"self", "cls"}:
        names = names[1:]
    pairs = [
        (name, arg) for name, arg in zip(names, call.args, strict=False) if not isinstance(arg, ast.Starred)
    ]
    keywords = {a.arg for a in (*function.args.args, *function.args.kwonlyargs)}
    pairs += [(kw.arg, kw.value) for kw in call.keywords if kw.arg in keywords]
    return pairs


def _defaults_left(callee: Callee, call: ast.Call, bound: Collection[str]) -> dict[str, list[Alternative]]:
    """The parameters the call leaves to their defaults (`self.api_response(204)`: `error`
    is None), when its arguments can be told apart (no `*args`, no `**options`)."""
    if any(isinstance(arg, ast.Starred) for arg in call.args) or any(kw.arg is None for kw in call.keywords):
        return {}
    function = callee.function
    names = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
    defaults = dict(
        zip(names[len(names) - len(function.args.defaults) :], function.args.defaults, strict=True)
    )
    defaults.update(
        {
            a.arg: d
            for a, d in zip(function.args.kwonlyargs, function.args.kw_defaults, strict=True)
            if d is not None
        }
    )
    passed = {name for name, _ in arguments_bound(callee, call)}
    left: dict[str, list[Alternative]] = {}
    for name, node in defaults.items():
        if name in passed or name in bound:
            continue
        value = callee.module.resolve(node)
        if value.known:
            left[name] = [Alternative((), value)]
    return left


def is_shared(callee: Callee, caller: PythonModule) -> bool:
    """A helper in another file, or called from several places: what it writes is
    reported where it is called, so each use has its own findings."""
    if callee.module is not caller:
        return True
    name = callee.function.name
    calls = [call for call in callee.module.calls if dotted(call.func).rsplit(".", 1)[-1] == name]
    if callee.owner is not None and all(_own_call(callee.owner, call, name) for call in calls):
        # a method only its own class calls (`self._add_cors_headers(...)` in both arms of
        # a middleware, ArchiveBox archivebox/api/middleware.py): one layer's code, fixed
        # where it writes
        return False
    if callee.owner is None and len({id(_caller(callee.module, call)) for call in calls}) == 1:
        # every call in one function (an aiohttp middleware calling its header helper in
        # its `except` and after it, webdeveloppro/aiohttp_boilerplate): one layer's code too
        return _caller(callee.module, calls[0]) is None
    return len(calls) > 1


def _caller(module: PythonModule, call: ast.Call) -> ast.AST | None:
    """The innermost function around `call` (None at module level)."""
    found: ast.AST | None = None
    for node in ast.walk(module.tree):
        inside = isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
            inner is call for inner in ast.walk(node)
        )
        if inside and (found is None or any(inner is node for inner in ast.walk(found))):
            found = node
    return found


def _own_call(owner: ast.ClassDef, call: ast.Call, name: str) -> bool:
    return dotted(call.func) == f"self.{name}" and any(inner is call for inner in ast.walk(owner))


def bound_frame(
    frame: Frame,
    callee: Callee,
    call: ast.Call,
    when: tuple[str, ...],
    alternatives: Callable[[Frame, ast.expr], list[Alternative]],
) -> Frame:
    """The frame a helper is read in: its parameters bound to what the call hands it."""
    # a Tornado handler's request is `self.request`; an http.server handler is its own request
    # a method of the same object (`self.finalize(response)`) sees `self.request` too
    own_method = dotted(call.func).split(".", 1)[0] == "self"
    requests: set[str] = (
        {name for name in frame.requests if name.split(".", 1)[0] == "self"}
        if frame.self_writes or own_method
        else set()
    )
    responses: set[str] = set()
    if frame.kind == "bottle":  # the thread-local request and response, named as the caller names them
        requests |= frame.requests
        responses |= frame.responses
    header_names: set[str] = set()
    bags: dict[str, list[BagEntry]] = {}
    values: dict[str, list[Alternative]] = {}
    for parameter, argument in arguments_bound(callee, call):
        if (
            frame.is_response(argument)
            or made_response(frame, argument) is not None
            or is_routes_call(frame, argument)
        ):
            responses.add(parameter)
        elif is_headers(frame, argument):
            header_names.add(parameter)  # `add_cors(response.headers)`
        elif dotted(argument) in frame.bags:
            bags[parameter] = frame.bags[dotted(argument)]  # the helper fills the caller's dict
        elif frame.is_request(argument):
            requests.add(parameter)
        else:
            values[parameter] = alternatives(frame, argument)
    values.update(
        _defaults_left(callee, call, values.keys() | requests | responses | header_names | bags.keys())
    )
    # (a Bottle module's hooks and routes are one layer: its helpers are that layer's code)
    shared = is_shared(callee, frame.module) and not (
        frame.kind == "bottle" and callee.module is frame.module
    )
    relocate = frame.relocate or (frame.module.location(call) if shared else None)
    return replace(
        frame,
        module=callee.module,
        requests=frozenset(requests),
        responses=responses,
        header_names=header_names,
        local_functions={},
        next_calls=frozenset(),
        answers_on_return=False,
        values=values,
        conditions={},
        bags=bags,
        base=when,
        relocate=relocate,
        depth=frame.depth + 1,
        inlined=frame.inlined | {callee.key},
    )


def returns_from_loop(function: Function) -> bool:
    """A `return` inside a loop (`for exporter in exporters: if ...: return exporter`,
    pretalx's `find_schedule_exporter`): what it returns is not followed, so the
    function's answer stays unknown rather than its last `return None`."""
    return any(
        isinstance(inner, ast.Return)
        for loop in ast.walk(function)
        if isinstance(loop, (ast.For, ast.AsyncFor, ast.While))
        for inner in ast.walk(loop)
    )
