"""The scope a value inside a function is read in when nothing in the project calls the
function: its parameters bound to their defaults, as the server that imports it calls it.
`flask run` / `flask --app pkg:create_app` and gunicorn's `"pkg:create_app()"` call an
app factory with no arguments, so

    def create_app(config_name="production"):        # or None, then
        if config_name is None:                      #   config_name = os.getenv(
            config_name = os.getenv("FLASK_CONFIG", "production")
        app.config.from_object(config[config_name])

loads `config["production"]` (3 and 2 of 10 find_string hits for
`from_object(config[config_name])` take these two shapes). A parameter without a default
stays unbound (unknown), and a function the project calls is left to its callers."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from corslint.extractors.python.scope import EMPTY_SCOPE, Frame, Scope

if TYPE_CHECKING:
    from corslint.extractors.python.module import PythonModule


def uncalled_scope(module: PythonModule, node: ast.AST) -> Scope:
    """EMPTY_SCOPE, or the frame of the uncalled function holding `node` with its defaults."""
    function = module.enclosing_function(node)
    if function is None or module.call_sites(function):
        return EMPTY_SCOPE
    arguments = function.args
    positional = [*arguments.posonlyargs, *arguments.args]
    bound: dict[str, object] = {}
    for parameter, default in zip(
        positional[len(positional) - len(arguments.defaults) :], arguments.defaults, strict=True
    ):
        bound[parameter.arg] = module.resolve(default)
    for parameter, kw_default in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True):
        if kw_default is not None:
            bound[parameter.arg] = module.resolve(kw_default)
    if not bound:
        return EMPTY_SCOPE
    return EMPTY_SCOPE.entering(function, Frame(bound))
