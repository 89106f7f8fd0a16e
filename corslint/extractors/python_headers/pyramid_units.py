"""Pyramid's hand-written CORS layers: `NewResponse` subscribers (`@subscriber(NewResponse)`,
`config.add_subscriber(fn, NewResponse)`) that write onto `event.response`, and response
callbacks (`request.add_response_callback(fn)`, usually from a `NewRequest` subscriber)
that take `(request, response)`, and tweens: a factory `(handler, registry)` returning the
function (or a class whose `__call__`) that takes the request, calls `handler(request)`
for the views' response, or answers itself (`request.response`, `Response()`). A tween
counts when the project names its factory in a `config.add_tween(...)`.

Measured with Pyramid 2.1: a `NewResponse` subscriber runs on every response, the 404 of
an unmatched route or view predicate included. Whether OPTIONS reaches a view depends on
the views' `request_method` predicates (a view without one answers every method): when
every view registered beside the subscriber names its methods and none is OPTIONS, the
app answers OPTIONS with 404; otherwise what it answers is not known from here. A tween
runs for every request: `handler(request)` returns the views' answer, that 404 included
(the exception view sits below user tweens), so a tween's later writes land on it; for a
tween the views are looked for in the project's other modules too (fixtures
python_headers/pyramid_tween_*, compared with the real app in tests/test_python_headers.py)."""

from __future__ import annotations

import ast
from dataclasses import replace

from corslint.extractors.context import ProjectContext
from corslint.extractors.python import PythonModule
from corslint.extractors.python_headers.frame import Frame, dotted
from corslint.extractors.python_headers.project_scan import modules_mentioning
from corslint.extractors.python_headers.unit import (
    Function,
    Phase,
    Unit,
    functions_in,
    parameters,
    writes_cors,
)

_NEW_RESPONSE = "pyramid.events.NewResponse"


def pyramid_units(module: PythonModule, covered: set[Function], context: ProjectContext) -> list[Unit]:
    subscribers = _subscribers(module)
    callbacks = _callbacks(module)
    preflight = _options_answer(module)
    units = _tween_units(module, covered, context, preflight)
    for function in functions_in(module.tree):
        if function in covered or not writes_cors(module, function):
            continue
        names = parameters(function)
        if function.name in subscribers and len(names) == 1:
            event = names[0]
            phase = Phase(
                module,
                function,
                requests=frozenset({f"{event}.request"}),
                responses=frozenset({f"{event}.response"}),
            )
            label = f"NewResponse subscriber {function.name}()"
        elif function.name in callbacks and len(names) == 2:
            phase = Phase(module, function, requests=frozenset(names[:1]), responses=frozenset(names[1:]))
            label = f"response callback {function.name}()"
        else:
            continue
        units.append(Unit("pyramid", "hook", module.location(function), [phase], preflight, label))
        covered.add(function)
    return units


def _is_new_response(module: PythonModule, node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return node.value == _NEW_RESPONSE
    return (module.qualified_name(node) or "") == _NEW_RESPONSE


def _subscribers(module: PythonModule) -> set[str]:
    found: set[str] = set()
    for function in functions_in(module.tree):
        for node in function.decorator_list:
            if (
                isinstance(node, ast.Call)
                and dotted(node.func).rsplit(".", 1)[-1] == "subscriber"
                and any(_is_new_response(module, arg) for arg in node.args)
            ):
                found.add(function.name)
    for call in module.calls:
        if (
            isinstance(call.func, ast.Attribute)
            and call.func.attr == "add_subscriber"
            and len(call.args) == 2
            and _is_new_response(module, call.args[1])
        ):
            found.add(dotted(call.args[0]).rsplit(".", 1)[-1])
    return found


def _callbacks(module: PythonModule) -> set[str]:
    return {
        dotted(call.args[0]).rsplit(".", 1)[-1]
        for call in module.calls
        if isinstance(call.func, ast.Attribute) and call.func.attr == "add_response_callback" and call.args
    }


def _options_answer(module: PythonModule) -> int | str | None:
    """None (404) when the module registers views and each names methods without
    OPTIONS; else "unknown"."""
    views: list[ast.Call] = [
        node
        for function in functions_in(module.tree)
        for node in function.decorator_list
        if isinstance(node, ast.Call) and dotted(node.func).rsplit(".", 1)[-1] == "view_config"
    ]
    views += [
        call for call in module.calls if isinstance(call.func, ast.Attribute) and call.func.attr == "add_view"
    ]
    if not views:
        return "unknown"
    for view in views:
        method = next((k.value for k in view.keywords if k.arg == "request_method"), None)
        listed = module.resolve(method) if method is not None else None
        if listed is None or not listed.known:
            return "unknown"
        if any(not isinstance(v.raw, str) or v.raw.upper() == "OPTIONS" for v in listed.entries):
            return "unknown"
    return None


def is_tween_factory(node: ast.AST) -> bool:
    """`def cors_tween_factory(handler, registry):`, or a class whose `__init__` takes them."""
    if isinstance(node, ast.ClassDef):
        init = next((f for f in node.body if isinstance(f, ast.FunctionDef) and f.name == "__init__"), None)
        return init is not None and parameters(init)[1:] == ["handler", "registry"]
    return isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and parameters(node) == [
        "handler",
        "registry",
    ]


def _tween_units(
    module: PythonModule, covered: set[Function], context: ProjectContext, preflight: int | str | None
) -> list[Unit]:
    units: list[Unit] = []
    for factory in ast.walk(module.tree):
        if not isinstance(factory, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if not is_tween_factory(factory) or not _registered(module, factory, context):
            continue
        tween, handler = _tween_of(factory)
        if tween is None or tween in covered or not writes_cors(module, tween):
            continue
        request = [name for name in parameters(tween) if name != "self"][:1]
        phase = Phase(
            module,
            tween,
            requests=frozenset(request),
            next_calls=frozenset({handler}),
            owner=factory if isinstance(factory, ast.ClassDef) else None,
            # the factory's own statements run once, before any request: the locals it
            # binds (`allowed = aslist(registry.settings.get("cors.origins", "*"))`)
            preludes=() if isinstance(factory, ast.ClassDef) else (factory,),
        )
        label = f"tween {factory.name}"
        registers_views = "view_config" in module.text or "add_view" in module.text
        status = preflight if registers_views else _project_options_answer(module, context)
        units.append(Unit("pyramid", "middleware", module.location(tween), [phase], status, label))
        covered.update(functions_in(tween))  # its response callbacks are read with it
    return units


def _tween_of(factory: ast.ClassDef | Function) -> tuple[Function | None, str]:
    """The function a tween factory makes, and the name its views' handler is called by."""
    if isinstance(factory, ast.ClassDef):
        call = next(
            (f for f in factory.body if isinstance(f, ast.FunctionDef) and f.name == "__call__"), None
        )
        return (call, "self.handler") if call is not None and len(parameters(call)) == 2 else (None, "")
    returned = {
        dotted(node.value) for node in ast.walk(factory) if isinstance(node, ast.Return) and node.value
    }
    for inner in factory.body:
        if isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef)) and inner.name in returned:
            return (inner, "handler") if len(parameters(inner)) == 1 else (None, "")
    return None, ""


def _project_options_answer(module: PythonModule, context: ProjectContext) -> int | str | None:
    """What the app answers an OPTIONS the tween passes on, from the views the project's
    other modules register (a tween module usually registers none)."""
    others = modules_mentioning(module, context, b"view_config") + modules_mentioning(
        module, context, b"add_view"
    )
    answers = {_options_answer(other) for other in others}
    return None if answers == {None} else "unknown"


def _registered(module: PythonModule, factory: ast.ClassDef | Function, context: ProjectContext) -> bool:
    """A `config.add_tween("pkg.tweens.cors_tween_factory")` (or an f-string naming the
    factory) in this module or another of the project's."""
    name = factory.name.encode()
    if "add_tween" in module.text and module.text.count(factory.name) > 1:
        return True
    return bool(modules_mentioning(module, context, b"add_tween", name))


def callback_frame(frame: Frame, function: Function) -> Frame | None:
    """A response callback a tween defines for the request (`@request.add_response_callback`
    on a nested `def cb(request, response):`, or handed to that call): it runs on the
    response the request ends with, so its body is read where it is defined."""
    names = parameters(function)
    if frame.kind != "pyramid" or not frame.next_calls or len(names) != 2:
        return None
    registered = any(
        isinstance(node, (ast.Attribute, ast.Call))
        and dotted(node.func if isinstance(node, ast.Call) else node).endswith(".add_response_callback")
        for node in function.decorator_list
    ) or any(
        isinstance(call.func, ast.Attribute)
        and call.func.attr == "add_response_callback"
        and frame.is_request(call.func.value)
        and [dotted(arg) for arg in call.args] == [function.name]
        for call in frame.module.calls
    )
    if not registered:
        return None
    return replace(
        frame,
        requests=frozenset({*frame.requests, names[0]}),
        responses={*frame.responses, names[1]},
    )
