"""A CORS helper's keyword defaults: `def enable_cors(request, response,
allow_credentials=True, max_age=86400)`, called as `enable_cors(request, response)`
(DataBooster/PyWebApi pywebapi/cors.py, called by the sample service's route decorator).
What the helper writes under `if allow_credentials:` is what its callers get, unless one of
them passes the parameter: then the value is not known and stays so (CORS305)."""

from __future__ import annotations

import ast

from corslint.extractors.context import ProjectContext
from corslint.extractors.python import PythonModule
from corslint.extractors.python_headers.frame import Alternative, dotted
from corslint.extractors.python_headers.project_scan import modules_mentioning
from corslint.extractors.python_headers.unit import Function, parameters


def default_bindings(
    module: PythonModule, function: Function, skipped: frozenset[str], context: ProjectContext
) -> dict[str, list[Alternative]]:
    """The parameters no call in the project passes, bound to their defaults."""
    names = parameters(function)
    positional = function.args.defaults
    defaults: dict[str, ast.expr] = dict(zip(names[len(names) - len(positional) :], positional, strict=True))
    defaults.update(
        {
            a.arg: d
            for a, d in zip(function.args.kwonlyargs, function.args.kw_defaults, strict=True)
            if d is not None
        }
    )
    defaults = {name: node for name, node in defaults.items() if name not in skipped}
    if not defaults:
        return {}
    passed = _passed(module, function, names, context)
    if passed is None:
        return {}
    bound: dict[str, list[Alternative]] = {}
    for name, node in defaults.items():
        if name in passed:
            continue
        value = module.resolve(node)
        if value.known:
            bound[name] = [Alternative((), value)]
    return bound


def _passed(
    module: PythonModule, function: Function, names: list[str], context: ProjectContext
) -> set[str] | None:
    """The parameters some call of the function passes; None when a call's arguments
    cannot be told apart (`*args`, `**options`)."""
    passed: set[str] = set()
    offset = 1 if names and names[0] in {"self", "cls"} else 0
    others = modules_mentioning(module, context, function.name.encode(), calling=function.name)
    for site in [module, *others]:
        for call in site.calls:
            if dotted(call.func).rsplit(".", 1)[-1] != function.name:
                continue
            if any(isinstance(arg, ast.Starred) for arg in call.args) or any(
                k.arg is None for k in call.keywords
            ):
                return None
            passed.update(names[offset : offset + len(call.args)])
            passed.update(k.arg for k in call.keywords if k.arg is not None)
    return passed
