"""The app a Flask hook is registered on (`hook_app`), also when the registering code is
a helper that is handed the app (`def init_cors(app): CORS(app); @app.after_request ...`,
called as `init_cors(flask_app)` from `create_app()` in another module): its callers' app,
keyed as the Flask-CORS extractor keys it (flask/app_keys.py: `path::def create_app@LINE::name`
for an app made in a function, `path::::name` for a module-level one), so that the hook
and a `CORS(app)` meet (CORS302). Followed only when every call passes the same app."""

from __future__ import annotations

import ast

from corslint.extractors.context import ProjectContext
from corslint.extractors.python import PythonModule
from corslint.extractors.python.callers import passed_by_callers
from corslint.extractors.python.factory_apps import factory_app_key
from corslint.extractors.python.project_files import project_root
from corslint.extractors.python_headers.frame import dotted
from corslint.extractors.python_headers.project_scan import LEVELS, modules_mentioning
from corslint.extractors.python_headers.unit import Function, functions_in, parameters

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
    passes = passed_by_callers(module, function, receiver, parameters(function).index(receiver))
    if passes is None:
        return None
    keys: set[str] = set()
    for caller, call, passed in passes:
        name = dotted(passed) if passed is not None else ""
        if not name or "." in name:
            return None
        keys.add(hook_app(caller, call, name, depth + 1))
    if len(keys) == 1:
        return keys.pop()
    # callers that disagree (or none): the parameter itself, as the Flask-CORS extractor
    # names an app that is a parameter of the function around the call
    return f"{module.path}::def {function.name}@{module.location(function).line}::{receiver}"


def hook_app(module: PythonModule, site: ast.AST | None, receiver: str, depth: int = 0) -> str:
    """The app key of a hook registered on `receiver` at `site`: its callers' app when
    `receiver` is a parameter of the helper around `site`, else the app named there."""
    return callers_app(module, site, receiver, depth) or app_key(module, site, receiver)


def app_key(module: PythonModule, site: ast.AST | None, receiver: str) -> str:
    """The app a hook is registered on, named as the Flask-CORS extractor names the app a
    `CORS(app)` configures (`path::def create_app@LINE::app` for an app made in a
    function), so that the two layers meet (CORS302)."""
    scope = ""
    if site is not None and "." not in receiver:
        enclosing = [f for f in functions_in(module.tree) if f is not site and _holds(f, site)]
        if enclosing and receiver in _assigned(enclosing[-1]):
            scope = f"def {enclosing[-1].name}@{module.location(enclosing[-1]).line}"
        elif not enclosing and isinstance(site, (ast.stmt, ast.expr)):
            # `app = create_app()`, then `@app.after_request`: the app the factory returns
            made = factory_app_key(module, receiver, site.lineno)
            if made is not None:
                return made
    return f"{module.path}::{scope}::{receiver}"


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


# resource patterns that cover every path of the app
_EVERY_PATH = frozenset({"*", "/*", ".*", "/.*", "^/.*", "/*.*", "(.*)"})


def sole_flask_cors_app(module: PythonModule, context: ProjectContext) -> str | None:
    """The key of the project's Flask app when the project builds exactly one
    (`Flask(__name__)`) and an app-wide Flask-CORS layer is on it (`CORS(app)`, resources
    covering every path): every hand-written Flask layer of the project runs on that app,
    and where it writes Allow-Origin first, Flask-CORS skips the response (CORS302)."""
    key = f"python_headers.sole_flask_app:{project_root(module.path, LEVELS)}"
    cached = context.shared.get(key)
    if isinstance(cached, str) or key in context.shared:
        return cached if isinstance(cached, str) else None
    found = _sole_app(module, context)
    context.shared[key] = found
    return found


def _sole_app(module: PythonModule, context: ProjectContext) -> str | None:
    builders = [module] if b"Flask(" in module.text.encode() else []
    builders += modules_mentioning(module, context, b"Flask(")
    apps = [
        (home, call)
        for home in builders
        for call in home.calls
        if (home.qualified_name(call.func) or "") in {"flask.Flask", "flask.app.Flask"}
    ]
    if len(apps) != 1:
        return None
    home, built = apps[0]
    receiver = next(
        (
            dotted(node.targets[0])
            for node in ast.walk(home.tree)
            if isinstance(node, ast.Assign) and node.value is built and len(node.targets) == 1
        ),
        "",
    )
    if not receiver:
        return None
    key = app_key(home, built, receiver)
    for user in [home, *modules_mentioning(home, context, b"CORS(")]:
        for call in user.calls:
            if (user.qualified_name(call.func) or "") != "flask_cors.CORS" or not call.args:
                continue
            name = dotted(call.args[0])
            if user is home and name == receiver and _covers_every_path(home, call):
                return app_key(home, call, receiver)
            # `app = create_app()` elsewhere, then `CORS(app)`: the factory's app
            line = user.location(call).line
            if _covers_every_path(user, call) and factory_app_key(user, name, line) == key:
                return key
            # `from config.app import app`, then `CORS(app)`: keyed where the call names it
            if _names_app(user, call.args[0], home, receiver) and _covers_every_path(user, call):
                return app_key(user, call, name)
    return None


def _names_app(user: PythonModule, node: ast.expr, home: PythonModule, receiver: str) -> bool:
    """Whether `node` in `user` is the module-level `receiver` of `home`, imported."""
    if user is home or not isinstance(node, ast.Name) or user.project is None:
        return False
    qualified = user.qualified_name(node) or ""
    found = user.project.lookup(user, qualified) if qualified != node.id else None
    return (
        found is not None
        and found[1] == receiver
        and user.project.resolved(found[0].path) == user.project.resolved(home.path)
    )


def _covers_every_path(module: PythonModule, call: ast.Call) -> bool:
    resources = next((k.value for k in call.keywords if k.arg == "resources"), None)
    if resources is None:
        return not any(k.arg is None for k in call.keywords)  # `**options` may hold resources
    value = module.resolve(resources)
    if not value.known:
        return False
    keys = list(value.raw) if isinstance(value.raw, dict) else [value.raw]
    return any(isinstance(k, str) and k in _EVERY_PATH for k in keys)
