"""Pyramid's hand-written CORS layers: `NewResponse` subscribers (`@subscriber(NewResponse)`,
`config.add_subscriber(fn, NewResponse)`) that write onto `event.response`, and response
callbacks (`request.add_response_callback(fn)`, usually from a `NewRequest` subscriber)
that take `(request, response)`.

Measured with Pyramid 2.1: a `NewResponse` subscriber runs on every response, the 404 of
an unmatched route or view predicate included. Whether OPTIONS reaches a view depends on
the views' `request_method` predicates (a view without one answers every method): when
every view registered beside the subscriber names its methods and none is OPTIONS, the
app answers OPTIONS with 404; otherwise what it answers is not known from here."""

from __future__ import annotations

import ast

from corslint.extractors.python import PythonModule
from corslint.extractors.python_headers.frame import dotted
from corslint.extractors.python_headers.unit import (
    Function,
    Phase,
    Unit,
    functions_in,
    parameters,
    writes_cors,
)

_NEW_RESPONSE = "pyramid.events.NewResponse"


def pyramid_units(module: PythonModule, covered: set[Function]) -> list[Unit]:
    subscribers = _subscribers(module)
    callbacks = _callbacks(module)
    preflight = _options_answer(module)
    units: list[Unit] = []
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
