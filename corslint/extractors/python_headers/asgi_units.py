"""Raw ASGI CORS layers: a function or a class's `__call__` taking `(scope, receive, send)`
that answers preflights itself (`await send({"type": "http.response.start", ...})`) and
hands other requests to the app it wraps, often through a send wrapper that adds headers
to the wrapped app's responses. What the wrapped app answers to an OPTIONS request the
wrapper lets through is not known (`"inner"`)."""

from __future__ import annotations

import ast

from corslint.extractors.context import ProjectContext
from corslint.extractors.python import PythonModule
from corslint.extractors.python_headers.frame import dotted
from corslint.extractors.python_headers.project_scan import modules_mentioning
from corslint.extractors.python_headers.unit import (
    Function,
    Phase,
    Unit,
    functions_in,
    method_parameters,
    parameters,
    writes_cors,
)
from corslint.frameworks.python_headers import INNER_APP
from corslint.model import Value

_SETTINGS = "django.conf.settings."


def is_asgi_app(function: Function, owner: ast.ClassDef | None) -> bool:
    names = method_parameters(function) if owner is not None else parameters(function)
    return len(names) == 3 and names[0] == "scope"


def asgi_units(module: PythonModule, covered: set[Function]) -> list[Unit]:
    units: list[Unit] = []
    owners = {f: node for node in ast.walk(module.tree) if isinstance(node, ast.ClassDef) for f in node.body}
    for function in functions_in(module.tree):
        owner = owners.get(function)
        if function in covered or not is_asgi_app(function, owner) or not writes_cors(module, function):
            continue
        nested = [f for f in functions_in(function) if f is not function]
        names = method_parameters(function) if owner is not None else parameters(function)
        phase = Phase(
            module,
            function,
            requests=frozenset(names[:1]),
            owner=owner if isinstance(owner, ast.ClassDef) else None,
            local_functions={f.name: f for f in nested},
            send=names[2],
        )
        # named for what the project applies: the class, or the factory that returns it
        factory = next((f for f in module.tree.body if f is not function and _encloses(f, function)), None)
        where = owner if isinstance(owner, ast.ClassDef) else factory or function
        if isinstance(owner, ast.ClassDef):
            label = f"ASGI app {owner.name}"
        else:
            label = f"ASGI app {(factory if isinstance(factory, ast.FunctionDef) else function).name}()"
        units.append(Unit("asgi", "middleware", module.location(where), [phase], INNER_APP, label))
        covered.update([function, *nested])
    return units


def has_asgi_app(module: PythonModule) -> bool:
    return "scope" in module.text and any(
        isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and len(names := parameters(node)) >= 3
        and "scope" in names[:2]
        for node in ast.walk(module.tree)
    )


def django_settings(module: PythonModule, units: list[Unit], context: ProjectContext) -> None:
    """`settings.X` read by the layers' code (`from django.conf import settings`): the
    value of X in the project's settings module, where one module binds it."""
    wanted: set[str] = set()
    for unit in units:
        for phase in unit.phases:
            for node in ast.walk(phase.function):
                if isinstance(node, ast.Attribute):
                    qualified = phase.module.qualified_name(node) or ""
                    if qualified.startswith(_SETTINGS) and "." not in qualified[len(_SETTINGS) :]:
                        wanted.add(dotted(node))
    if not wanted:
        return
    known: dict[str, Value] = {}
    for name in wanted:
        setting = name.rsplit(".", 1)[-1]
        values = [
            value
            for other in modules_mentioning(module, context, setting.encode(), b"INSTALLED_APPS")
            if (value := other.resolve_name(setting)) is not None
        ]
        if len(values) == 1 and values[0].known:
            known[name] = values[0]
    for unit in units:
        for phase in unit.phases:
            phase.known = known


def _encloses(outer: ast.stmt, inner: Function) -> bool:
    return isinstance(outer, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
        node is inner for node in ast.walk(outer)
    )
