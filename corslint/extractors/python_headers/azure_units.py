"""Azure Functions HTTP handlers in Python that return `func.HttpResponse(body,
status_code=..., headers={"Access-Control-Allow-Origin": "*"})`: the worker sends the
response's headers as written (azure-functions 1.26: `str(value)` of each). The function
may be the handler itself (`def main(req: func.HttpRequest)`, or one decorated with
`@app.route(...)`) or a helper the handlers return the result of (`json_reply(...)`).

What answers OPTIONS is not known here: the host refuses a method the function's
binding does not list, and the platform's own CORS settings answer preflights before
the code runs when they are set; an `if req.method == "OPTIONS"` in the code is read."""

from __future__ import annotations

import ast

from corslint.extractors.python import PythonModule
from corslint.extractors.python_headers.unit import Function, Phase, Unit, functions_in, writes_cors

_REQUEST_TYPES = frozenset({"HttpRequest", "func.HttpRequest", "azure.functions.HttpRequest"})


def uses_azure_functions(module: PythonModule) -> bool:
    return any(q == "azure.functions" or q.startswith("azure.functions.") for q in module.imports.values())


def azure_units(module: PythonModule, covered: set[Function]) -> list[Unit]:
    units: list[Unit] = []
    for function in functions_in(module.tree):
        if function in covered or not _returns_response(module, function):
            continue
        if not writes_cors(module, function) and not _calls_header_function(module, function):
            continue
        if any(f is not function and writes_cors(module, f) for f in functions_in(function)):
            continue  # the headers are written by a function defined inside it
        requests = frozenset(a.arg for a in function.args.args if _is_request(a))
        role = "handler" if requests else "helper"
        phase = Phase(module, function, requests=requests)
        units.append(
            Unit(
                "azure_functions",
                role,
                module.location(function),
                [phase],
                "unknown",
                f"{role} {function.name}()",
            )
        )
        covered.add(function)
    return units


def _is_request(argument: ast.arg) -> bool:
    annotation = ast.unparse(argument.annotation) if argument.annotation is not None else ""
    return annotation in _REQUEST_TYPES or (not annotation and argument.arg in {"req", "request"})


def _returns_response(module: PythonModule, function: Function) -> bool:
    """The function makes an `azure.functions.HttpResponse`."""
    return any(
        isinstance(node, ast.Call)
        and (module.qualified_name(node.func) or "").endswith("HttpResponse")
        and (module.qualified_name(node.func) or "").startswith("azure.functions")
        for node in ast.walk(function)
    )


def _calls_header_function(module: PythonModule, function: Function) -> bool:
    """`headers=cors_headers()`, `{**cors_headers()}`: a module function naming the headers."""
    named = {f.name: f for f in module.tree.body if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))}
    return any(
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in named
        and named[node.func.id] is not function
        and writes_cors(module, named[node.func.id])
        for node in ast.walk(function)
    )
