"""A setup function's parameter that has a default (`def configure_cors(app,
origins=None)`, `extra_origins=()`), read in the function. It is left to the shared
resolver, which reads it at the use: what every call of the function in the project
passes, the default where a call passes nothing, then the statements in between
(`if origins is None: origins = "*"`); unknown when the callers disagree or none is
found."""

from __future__ import annotations

import ast


def defaulted_parameter(
    function: ast.FunctionDef | ast.AsyncFunctionDef, name: str, in_module_body: bool
) -> bool:
    """Whether `name` is a parameter with a default of a module-level function."""
    if not in_module_body:
        return False  # the shared resolver reads only those functions' callers
    arguments = function.args
    positional = [*arguments.posonlyargs, *arguments.args]
    defaulted = [a.arg for a in positional[len(positional) - len(arguments.defaults) :]]
    defaulted += [
        a.arg for a, d in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True) if d is not None
    ]
    return name in defaulted
