"""An app's own `after_request` hook that writes `Access-Control-Allow-Origin` on every
response, registered after `CORS(app)` (census 10 C4, MikeXilo/earthbenders-analyzer-backend
server.py): Flask runs the last-registered `after_request` hook first, and Flask-CORS leaves
alone a response that already carries Allow-Origin ("CORS have been already evaluated"), so
the extension never decides what any response carries; the hook does (its own findings are
the hand-written reader's).

Read only in the plain shape: `CORS(app, ...)` at module level, then, further down the same
module, a module-level `@app.after_request` function (or both as statements of one function's
body on its `app` parameter, census 11 C3, FatOtter/visual_element_driver src/middleware/cors.py) on that same name whose body writes
Allow-Origin onto its response parameter (`response.headers["Access-Control-Allow-Origin"] =
...`, `.headers.add(...)` / `.set(...)`, also through `headers = response.headers`) as a
statement of its own body, with no `return` before it, or under an `if` on module names
alone that the defaults decide true (`if origins == "*":`, `origins` bound from
`os.environ.get("CORS_ORIGIN", "*")`: said to hold "when CORS_ORIGIN is unset"). Any other
test, a loop or a `try`, or a hook of another module or an app factory, is not read (the
extension's policy is judged as before).

Shared by the Flask-CORS reader (the extension never decides: CORS303) and the hand-written
hook reader (the hook's own preflight is the one the browser sees)."""

from __future__ import annotations

import ast

from corslint.extractors.python import PythonModule
from corslint.extractors.python.module_finals import final_setting, with_module_finals
from corslint.extractors.python.scope import Scope

_ORIGIN = "access-control-allow-origin"


def overriding_hook(module: PythonModule, call: ast.Call, unconditional: bool = False) -> str | None:
    """Why a later hook of the same app writes Allow-Origin first on every response, where
    `call` is a module-level `CORS(app, ...)` (a phrase); None otherwise. `unconditional`:
    not where that rests on an environment default."""
    app = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "app"), None)
    if not isinstance(app, ast.Name):
        return None
    body, closure = _registering_body(module, call, app.id)
    if body is None:
        return None
    for statement in body:
        if not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) or not any(
            _hooks(decorator, app.id) for decorator in statement.decorator_list
        ):
            continue
        writer = _always_writes_origin(module, statement, closure)
        hook = f"the `after_request` hook {statement.name}() (line {statement.lineno})"
        if writer is not None and statement.lineno > call.lineno and not (unconditional and writer[1]):
            detail = (
                f"{hook}, registered after it, writes `Access-Control-Allow-Origin` on every "
                "response first (Flask runs the last-registered hook first), and Flask-CORS leaves "
                "a response that already carries it alone, so this configuration never decides "
                f"any response{f' (when {writer[1]} is unset)' if writer[1] else ''}"
            )
        else:  # registered first, it runs after Flask-CORS, whose other headers still count
            continue
        return detail
    return None


def _registering_body(
    module: PythonModule, call: ast.Call, app: str
) -> tuple[list[ast.stmt] | None, set[str]]:
    """The statements a later hook on `app` is looked for in, and the names local to the
    function holding them (a test on those is never decided): the module's body for a
    module-level `CORS(app, ...)`; for one that is a statement of its own in a function's
    body (`def init_cors(app): CORS(app, ...)`, census 11 C3), that function's body, where
    `app` is a parameter not bound again in it; (None, ...) otherwise."""
    function = module.enclosing_function(call)
    if function is None:
        return module.tree.body, set()
    if not any(isinstance(s, ast.Expr) and s.value is call for s in function.body):
        return None, set()
    parameters = {a.arg for a in (*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs)}
    bound = {n.id for n in ast.walk(function) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    if app not in parameters or app in bound:
        return None, set()
    return function.body, parameters | bound


def _hooks(decorator: ast.expr, app: str) -> bool:
    return (
        isinstance(decorator, ast.Attribute)
        and decorator.attr == "after_request"
        and isinstance(decorator.value, ast.Name)
        and decorator.value.id == app
    )


def _always_writes_origin(
    module: PythonModule, function: ast.FunctionDef | ast.AsyncFunctionDef, closure: set[str]
) -> tuple[str, str] | None:
    """How the hook writes Allow-Origin on every response: "set" (replacing a value already
    there) or "add" (another line), with the environment variable a test it passes rests on
    ("" if none); None where it may not."""
    names = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
    if len(names) != 1:
        return None
    local = {n.id for n in ast.walk(function) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    return _writes(module, function.body, {f"{names[0]}.headers"}, local | set(names) | closure, "")


def _writes(
    module: PythonModule, body: list[ast.stmt], headers: set[str], local: set[str], setting: str
) -> tuple[str, str] | None:
    for statement in body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target = statement.targets[0]
            if isinstance(target, ast.Name) and ast.unparse(statement.value) in headers:
                headers.add(target.id)  # `header = response.headers`
                continue
            if (
                isinstance(target, ast.Subscript)
                and ast.unparse(target.value) in headers
                and _names_origin(target.slice)
            ):
                return "set", setting
        if (
            isinstance(statement, ast.Expr)
            and isinstance(statement.value, ast.Call)
            and isinstance(statement.value.func, ast.Attribute)
            and statement.value.func.attr in {"add", "set", "__setitem__"}
            and ast.unparse(statement.value.func.value) in headers
            and statement.value.args
            and _names_origin(statement.value.args[0])
        ):
            return ("add" if statement.value.func.attr == "add" else "set"), setting
        if isinstance(statement, ast.If):
            decided = _default_truth(module, statement.test, local)
            if decided is not None:  # the arm the defaults take runs on every response
                found = _writes(module, statement.body, headers, local, decided or setting)
                if found is not None:
                    return found
        if any(isinstance(node, (ast.Return, ast.Raise)) for node in ast.walk(statement)):
            return None  # an answer that may leave before the write
    return None


def _default_truth(module: PythonModule, test: ast.expr, local: set[str]) -> str | None:
    """The environment variable ("" if none) on whose default a test on module names alone
    (`origins == "*"`) holds, as the hook reads them once the module has run; None where
    it may not hold."""
    reads = [n for n in ast.walk(test) if isinstance(n, ast.Name)]
    if not reads or any(n.id in local for n in reads) or any(isinstance(n, ast.Call) for n in ast.walk(test)):
        return None
    finals = with_module_finals(module, test, Scope({}))
    decided = module.decide(test, finals)
    if decided is None or decided.raw is not True:
        return None
    return decided.env_var or final_setting(module, test, Scope({}))


def _names_origin(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.lower() == _ORIGIN


def overridden_everywhere(module: PythonModule, app: str) -> bool:
    """Whether every Flask-CORS layer this module puts on the module-level app `app` is
    overridden so (`from flask_cors import CORS` only, each use a module-level `CORS(app,
    ...)` with such a hook, on whatever environment): then the hooks' own answers are the
    whole story. False for any other use of the extension (`cross_origin`, `init_app`,
    `import flask_cors`), and where the hook writes Allow-Origin only on a default
    (`if origins == "*"`): set otherwise, the extension may still answer preflights."""
    bound: set[str] = set()
    for statement in ast.walk(module.tree):  # a function's own import counts too
        if isinstance(statement, ast.Import) and any(
            a.name.split(".")[0] == "flask_cors" for a in statement.names
        ):
            return False
        if isinstance(statement, ast.ImportFrom) and (statement.module or "").split(".")[0] == "flask_cors":
            if any(a.name != "CORS" for a in statement.names):
                return False
            bound.update(a.asname or a.name for a in statement.names)
    calls = {
        id(statement.value.func): statement.value
        for statement in module.tree.body
        if isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Call)
        and isinstance(statement.value.func, ast.Name)
        and statement.value.func.id in bound
    }
    uses = [n for n in ast.walk(module.tree) if isinstance(n, ast.Name) and n.id in bound]
    if not uses or any(id(n) not in calls for n in uses):
        return False  # imported inside a function, passed around, assigned, rebound
    return all(
        call.args
        and isinstance(call.args[0], ast.Name)
        and call.args[0].id == app
        and overriding_hook(module, call, unconditional=True)
        for call in calls.values()
    )
