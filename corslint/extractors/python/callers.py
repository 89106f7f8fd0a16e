"""Where the project calls one of its functions: `setup_cors(app)` in `main.py` for the
`def setup_cors(application)` of `core/cors.py`.

A helper that receives the app (or the origins) is judged with what its callers pass.
Callers are looked for in the defining module and in the project's other Python files
that mention the function's name: the project is the folder above the module that holds
a project marker (pyproject.toml, setup.py, requirements.txt, .git ...), else the top of
its package. Tests, virtual environments and build output are left out: a test that
calls the helper with a test app says nothing of the deployed one.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from pathlib import Path

from corslint.extractors.python.module import PythonModule


def call_sites(
    module: PythonModule,
    function: ast.AST,
    files: list[Path],
    load: Callable[[Path], PythonModule | None],
) -> list[tuple[PythonModule, ast.Call]]:
    """The calls of the module-level `function` of `module` (or of a module-level class's
    `@staticmethod`, called on the class): by its name in `module`, and through imports in
    `files` (the project's files that call something by that name)."""
    name = getattr(function, "name", "")
    if not name:
        return []
    owner = static_owner(module, function)
    found = [
        (module, call)
        for call in module.calls
        if (owner is None and isinstance(call.func, ast.Name) and call.func.id == name)
        or (owner is not None and _on_class(call.func, owner, name))
    ]
    here = Path(module.path).resolve()
    for path in files:
        if path.resolve() == here:
            continue
        other = load(path)
        if other is None or other is module:
            continue
        found.extend((other, call) for call in _calls_of(other, module, name, owner))
    return found


def static_owner(module: PythonModule, function: ast.AST) -> str | None:
    """The module-level class `function` is a `@staticmethod` of (called on the class,
    `CorsSetup.apply(app)`, its parameters are the call's arguments), else None."""
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or function in module.tree.body:
        return None
    if not any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in function.decorator_list):
        return None
    return next(
        (s.name for s in module.tree.body if isinstance(s, ast.ClassDef) and function in s.body),
        None,
    )


def _on_class(func: ast.expr, owner: str, name: str) -> bool:
    """`Owner.name` in the module that defines the class."""
    return (
        isinstance(func, ast.Attribute)
        and func.attr == name
        and isinstance(func.value, ast.Name)
        and func.value.id == owner
    )


def _calls_of(other: PythonModule, module: PythonModule, name: str, owner: str | None) -> Iterator[ast.Call]:
    for call in other.calls:
        func = call.func
        if not (
            (isinstance(func, ast.Name) and func.id == name and owner is None)
            or (isinstance(func, ast.Attribute) and func.attr == name)
        ):
            continue
        qualified = other.qualified_name(func)
        if qualified is None or "." not in qualified:
            continue
        if owner is not None:
            # `from .cors import CorsSetup` ... `CorsSetup.apply(app)`
            holder = other.import_target(qualified.rpartition(".")[0])
            if holder is not None and holder[0] is module and holder[1] == owner:
                yield call
            continue
        target = other.import_target(qualified)
        if (
            target is not None
            and target[1] == name
            and (target[0] is module or _re_exports(target[0], module, name))
        ):
            yield call


def _re_exports(package: PythonModule, module: PythonModule, name: str) -> bool:
    """`from utils import OpenCors` where `utils/__init__.py` only says `from .cors import *`."""
    if name in package.assignments or name in package.imports:
        return False
    if any(getattr(node, "name", None) == name for node in package.tree.body):
        return False
    return any(star is module for star in package.star_modules())


def passed_by_callers(
    module: PythonModule, function: ast.AST, parameter: str, index: int
) -> list[tuple[PythonModule, ast.Call, ast.expr | None]] | None:
    """Each call of the module-level `function` of `module`, with what it passes for
    `parameter`, the function's `index`-th parameter (`passed_argument`); None when a call
    is in a module that is not Python."""
    found: list[tuple[PythonModule, ast.Call, ast.expr | None]] = []
    for caller, call in module.call_sites(function):
        if not isinstance(caller, PythonModule):
            return None
        found.append((caller, call, passed_argument(call, parameter, index)))
    return found


def passed_argument(call: ast.Call, parameter: str, index: int) -> ast.expr | None:
    """What `call` passes for `parameter`, the `index`-th parameter of the function it
    calls: by keyword, else by position; None when it passes none, or when a `*args`
    hides which positional argument lands there."""
    for keyword in call.keywords:
        if keyword.arg == parameter:
            return keyword.value
    positional = [a for a in call.args if not isinstance(a, ast.Starred)]
    if len(positional) == len(call.args) and index < len(positional):
        return positional[index]
    return None
