"""The app a Flask hook is registered on when the registering code is a helper that is
handed the app (`def init_cors(app): CORS(app); @app.after_request ...`, called as
`init_cors(flask_app)` from `create_app()` in another module): its callers' app, keyed
as the Flask-CORS extractor keys it (flask/app_keys.py: `path::def create_app@LINE::name`
for an app made in a function, `path::::name` for a module-level one), so that the hook
and a `CORS(app)` meet (CORS302). Followed only when every call passes the same app."""

from __future__ import annotations

import ast

from corslint.extractors.python import PythonModule
from corslint.extractors.python_headers.frame import dotted
from corslint.extractors.python_headers.unit import Function, parameters

MAX_HELPERS = 3  # helpers handing the app on to helpers, followed before giving up


def callers_app(module: PythonModule, site: ast.AST | None, receiver: str, depth: int = 0) -> str | None:
    """The key of an app that is a parameter of the module-level function around `site`:
    its callers' app when they all pass the same one, else the parameter's own; None when
    it is no parameter."""
    if site is None or depth >= MAX_HELPERS or "." in receiver:
        return None
    function = next(
        (
            f
            for f in module.tree.body
            if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)) and _holds(f, site)
        ),
        None,
    )
    if function is None or receiver not in parameters(function):
        return None
    index = parameters(function).index(receiver)
    keys: set[str] = set()
    for caller, call in module.call_sites(function):
        if not isinstance(caller, PythonModule):
            return None
        passed = _passed(call, receiver, index)
        name = dotted(passed) if passed is not None else ""
        if not name or "." in name:
            return None
        keys.add(callers_app(caller, call, name, depth + 1) or _key(caller, call, name))
    if len(keys) == 1:
        return keys.pop()
    # callers that disagree (or none): the parameter itself, as the Flask-CORS extractor
    # names an app that is a parameter of the function around the call
    return f"{module.path}::def {function.name}@{module.location(function).line}::{receiver}"


def _key(module: PythonModule, call: ast.Call, name: str) -> str:
    enclosing = [f for f in _functions(module.tree) if _holds(f, call)]
    scope = ""
    if enclosing and name in _assigned(enclosing[-1]):
        scope = f"def {enclosing[-1].name}@{module.location(enclosing[-1]).line}"
    return f"{module.path}::{scope}::{name}"


def _functions(tree: ast.AST) -> list[Function]:
    return [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]


def _holds(function: Function, node: ast.AST) -> bool:
    return any(inner is node for inner in ast.walk(function))


def _assigned(function: Function) -> set[str]:
    return {
        target.id
        for node in ast.walk(function)
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }


def _passed(call: ast.Call, parameter: str, index: int) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == parameter:
            return keyword.value
    positional = [a for a in call.args if not isinstance(a, ast.Starred)]
    if len(positional) == len(call.args) and index < len(positional):
        return positional[index]
    return None
