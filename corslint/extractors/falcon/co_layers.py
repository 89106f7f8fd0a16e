"""What the project's own middleware listed beside `CORSMiddleware` adds to every
response: a `process_response` that writes `Vary: Origin` whatever the request (ptenu/ptuhub
api/middleware/session.py). Falcon's CORSMiddleware never sends Vary itself, so without it
an allow-list is CORS107; with it, the responses vary on the Origin as they should.

A write counts when nothing but a test of the form `"Access-Control-Allow-Origin" not in
resp.headers` stands around it: Falcon's `resp.headers` is a dict with lower-cased keys,
so such a test always holds (measured with Falcon 3.0.1 and 4.4.0)."""

from __future__ import annotations

import ast

from corslint.extractors.python import PythonModule
from corslint.model import Evidence


def vary_beside(module: PythonModule, call: ast.Call) -> tuple[Evidence, ...]:
    """`Vary: Origin` written on every response by a project class listed with `call`."""
    listing = _list_holding(module, call)
    if listing is None:
        return ()
    for element in listing.elts:
        if element is call or not isinstance(element, ast.Call):
            continue
        found = _class_of(module, element.func)
        if found is None:
            continue
        home, node = found
        method = next(
            (
                f
                for f in node.body
                if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)) and f.name == "process_response"
            ),
            None,
        )
        if method is None:
            continue
        write = _vary_write(method.body)
        if write is not None:
            return (
                Evidence(
                    "vary-origin-beside",
                    f"`Vary: Origin` written by {node.name}.process_response on every response",
                    home.location(write),
                ),
            )
    return ()


def _list_holding(module: PythonModule, call: ast.Call) -> ast.List | ast.Tuple | None:
    for node in ast.walk(module.tree):
        if isinstance(node, (ast.List, ast.Tuple)) and any(element is call for element in node.elts):
            return node
    return None


def _class_of(module: PythonModule, func: ast.expr) -> tuple[PythonModule, ast.ClassDef] | None:
    if isinstance(func, ast.Name):
        local = next((n for n in module.tree.body if isinstance(n, ast.ClassDef) and n.name == func.id), None)
        if local is not None:
            return module, local
    qualified = module.qualified_name(func)
    if not qualified or module.project is None or "." not in qualified:
        return None
    found = module.project.lookup(module, qualified)
    if found is None:
        return None
    home, name = found
    node = next((n for n in home.tree.body if isinstance(n, ast.ClassDef) and n.name == name), None)
    return (home, node) if node is not None else None


def _vary_write(body: list[ast.stmt]) -> ast.Call | None:
    for statement in body:
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
            call = statement.value
            if (
                isinstance(call.func, ast.Attribute)
                and call.func.attr in {"set_header", "append_header"}
                and len(call.args) == 2
                and all(isinstance(arg, ast.Constant) and isinstance(arg.value, str) for arg in call.args)
            ):
                name, value = (arg.value for arg in call.args)  # type: ignore[attr-defined]
                if name.lower() == "vary" and "origin" in [v.strip().lower() for v in value.split(",")]:
                    return call
        if isinstance(statement, ast.If) and _always_holds(statement.test):
            found = _vary_write(statement.body)
            if found is not None:
                return found
    return None


def _always_holds(test: ast.expr) -> bool:
    """`"Access-Control-Allow-Origin" not in resp.headers`: a capitalised name is never a key."""
    return (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.NotIn)
        and isinstance(test.left, ast.Constant)
        and isinstance(test.left.value, str)
        and test.left.value != test.left.value.lower()
        and isinstance(test.comparators[0], ast.Attribute)
        and test.comparators[0].attr == "headers"
    )
