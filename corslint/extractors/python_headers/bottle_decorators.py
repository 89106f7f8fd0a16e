"""Bottle's home-made CORS decorators: the `enable_cors(fn)` recipe whose wrapper writes
onto the thread-local `bottle.response` and calls the route's callback unless the request
is a preflight, applied per route (`@enable_cors`) or to every route of an app as a
plugin (`app.install(enable_cors)`).

Bottle 0.12/0.13: a plugin, like a decorator, wraps a route's callback, so it runs only
for requests a route takes; an OPTIONS no route takes is answered 405 without it. A
callback that returns None is answered 200 with an empty body and the headers written
onto `bottle.response`."""

from __future__ import annotations

import ast

from corslint.extractors.python import PythonModule
from corslint.extractors.python_headers.bottle_units import _CATCH_ALL, globals_named
from corslint.extractors.python_headers.frame import dotted
from corslint.extractors.python_headers.unit import Function, functions_in, string_list

_VERB_DECORATORS = frozenset({"get", "post", "put", "patch", "delete"})


def bottle_methods(module: PythonModule, function: Function) -> tuple[str, ...] | None:
    """The methods requests to a Bottle callback's paths reach a route with: its own
    (`@route(path, method=[...])`, `@app.get(path)`), and OPTIONS when another route of
    the module takes OPTIONS on the same path or on every path (`/<:re:.*>`), so that
    the preflight is answered there. None when it has no route decorator here."""
    own = _own_methods(module, function)
    if own is None or "OPTIONS" in own:
        return own
    paths = _paths(function)
    for other in functions_in(module.tree):
        if other is function or "OPTIONS" not in (_own_methods(module, other) or ()):
            continue
        if any(path in paths or any(marker in path for marker in _CATCH_ALL) for path in _paths(other)):
            return (*own, "OPTIONS")
    return own


def _paths(function: Function) -> set[str]:
    return {
        str(node.args[0].value)
        for node in function.decorator_list
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
    }


def _own_methods(module: PythonModule, function: Function) -> tuple[str, ...] | None:
    found: list[str] = []
    routed = False
    for node in function.decorator_list:
        if not isinstance(node, ast.Call):
            continue
        verb = dotted(node.func).rsplit(".", 1)[-1]
        if verb == "route":
            routed = True
            given = next((k.value for k in node.keywords if k.arg == "method"), None)
            if given is None and len(node.args) > 1:
                given = node.args[1]
            listed = string_list(module, given) if given is not None else ("GET",)
            if listed is None:
                return None
            found += listed
        elif verb in _VERB_DECORATORS:
            routed = True
            found.append(verb.upper())
    if not routed:
        return None
    if "GET" in found and "HEAD" not in found:
        found.append("HEAD")
    return tuple(dict.fromkeys(found))


def installed_uses(site: PythonModule, home: PythonModule, name: str) -> list[tuple[Function, ast.expr]]:
    """`app.install(enable_cors)`: the plugin wraps every route of the app, here each
    routed function of the installing module, paired with the install call."""
    installs = [
        call
        for call in site.calls
        if isinstance(call.func, ast.Attribute)
        and call.func.attr == "install"
        and len(call.args) == 1
        and _names(site, home, call.args[0], name)
    ]
    if not installs:
        return []
    routed = [f for f in functions_in(site.tree) if _own_methods(site, f) is not None]
    return [(function, installs[0]) for function in routed]


def plugin_methods(module: PythonModule) -> list[Function]:
    """`class EnableCors: api = 2; def apply(self, fn, context): ...`: in a module that
    imports Bottle, a plugin object's `apply` wraps each route's callback as a decorator does."""
    if not any(q == "bottle" or q.startswith("bottle.") for q in module.imports.values()):
        return []
    return [
        method
        for node in module.tree.body
        if isinstance(node, ast.ClassDef)
        for method in node.body
        if isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)) and method.name == "apply"
    ]


def install_name(module: PythonModule, outer: Function) -> str:
    """What `app.install(...)` names: the decorator function, or the plugin's class."""
    for node in module.tree.body:
        if isinstance(node, ast.ClassDef) and outer in node.body:
            return node.name
    return outer.name


def _names(site: PythonModule, home: PythonModule, node: ast.expr, name: str) -> bool:
    if isinstance(node, ast.Call):  # `app.install(EnableCors())`
        node = node.func
    if site is home:
        return isinstance(node, ast.Name) and node.id == name
    qualified = site.qualified_name(node)
    if not qualified or site.project is None or "." not in qualified:
        return False
    found = site.project.lookup(site, qualified)
    return found is not None and found[0] is home and found[1] == name


def bottle_globals(module: PythonModule) -> tuple[frozenset[str], frozenset[str]]:
    """How the decorator's module names `bottle.request` and `bottle.response`."""
    return globals_named(module, "request"), globals_named(module, "response")
