"""Which app a Flask-CORS layer is attached to (`CorsPolicy.app`, which CORS302 groups
by). A helper that receives the app (`def init_extensions(app): CORS(app)`, called as
`init_extensions(app)` from `create_app()` in another module) adds its layer to the app
its caller passes: the key is the caller's, so a second `CORS(app)` in the factory and the
helper's meet. Followed only when every call of the helper passes the same app;
otherwise the layer keeps a key of its own."""

from __future__ import annotations

from corslint.extractors.flask.calls import dotted_name
from corslint.extractors.flask.collected import Collected
from corslint.extractors.flask.collector import collect
from corslint.extractors.flask.reaching import is_parameter, parameters
from corslint.extractors.python import PythonModule
from corslint.extractors.python.callers import passed_by_callers, static_owner

MAX_HELPERS = 3  # helpers handing the app on to helpers, followed before giving up


def layer_app(module: PythonModule, collected: Collected, scope: str, receiver: str, local_key: str) -> str:
    """The app key of a layer on `receiver` in function `scope`: its callers' when it is
    a parameter of a module-level helper (or a class's `@staticmethod`, `CorsSetup.apply(app)`)
    they all pass the same app to, else `local_key`."""
    return _callers_key(module, collected, scope, receiver, 0) or local_key


def app_key(module: PythonModule, collected: Collected, scope: str, receiver: str) -> str:
    """The key `policies` gives an app named `receiver` in `scope` of `module`."""
    local = scope and receiver in collected.locals.get(scope, {})
    return f"{module.path}::{scope if local else ''}::{receiver}"


def _callers_key(
    module: PythonModule, collected: Collected, scope: str, receiver: str, depth: int
) -> str | None:
    if depth >= MAX_HELPERS or not scope or "." in receiver or not is_parameter(collected, scope, receiver):
        return None
    function = collected.functions.get(scope)
    if function is None or (function not in module.tree.body and static_owner(module, function) is None):
        return None  # a method or a nested function: its callers are not looked for
    passes = passed_by_callers(module, function, receiver, parameters(function).index(receiver))
    if passes is None:
        return None
    keys: set[str] = set()
    for caller, call, passed in passes:
        name = dotted_name(passed) if passed is not None else ""
        if not name or name.split(".")[0] in {"self", "cls"}:
            return None
        caller_collected = collect(caller)
        where = next((site for node, site in caller_collected.handoffs if node is call), None)
        if where is None:
            return None
        keys.add(
            _callers_key(caller, caller_collected, where.scope, name, depth + 1)
            or app_key(caller, caller_collected, where.scope, name)
        )
    return keys.pop() if len(keys) == 1 else None
