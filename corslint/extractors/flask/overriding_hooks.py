"""An app's own `after_request` hook that writes `Access-Control-Allow-Origin` on every
response, registered after `CORS(app)` (census 10 C4, MikeXilo/earthbenders-analyzer-backend
server.py): Flask runs the last-registered `after_request` hook first, and Flask-CORS leaves
alone a response that already carries Allow-Origin ("CORS have been already evaluated"), so
the extension never decides what any response carries; the hook does (its own findings are
the hand-written reader's).

Read only in the plain shape: `CORS(app, ...)` at module level, then, further down the same
module, a module-level `@app.after_request` function on that same name whose body writes
Allow-Origin onto its response parameter (`response.headers["Access-Control-Allow-Origin"] =
...`, `.headers.add(...)` / `.set(...)`, also through `headers = response.headers`) as a
statement of its own body, with no `return` before it. A write under a test, in a loop or a
`try`, or in a hook of another module or an app factory, is not read (the extension's policy
is judged as before)."""

from __future__ import annotations

import ast

from corslint.extractors.python import PythonModule
from corslint.model import Evidence

_ORIGIN = "access-control-allow-origin"


def overriding_hook(module: PythonModule, call: ast.Call) -> Evidence | None:
    """The evidence that a later hook of the same app writes Allow-Origin first on every
    response, where `call` is a module-level `CORS(app, ...)`; None otherwise."""
    app = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "app"), None)
    if not isinstance(app, ast.Name) or module.enclosing_function(call) is not None:
        return None
    for statement in module.tree.body:
        if not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) or not any(
            _hooks(decorator, app.id) for decorator in statement.decorator_list
        ):
            continue
        writer = _always_writes_origin(statement)
        hook = f"the `after_request` hook {statement.name}() (line {statement.lineno})"
        if writer is not None and statement.lineno > call.lineno:
            detail = (
                f"{hook}, registered after it, writes `Access-Control-Allow-Origin` on every "
                "response first (Flask runs the last-registered hook first), and Flask-CORS leaves "
                "a response that already carries it alone, so this configuration never decides "
                "any response"
            )
        else:  # registered first, it runs after Flask-CORS, whose other headers still count
            continue
        return Evidence("not-applied", detail, module.location(call), whole_layer=True)
    return None


def _hooks(decorator: ast.expr, app: str) -> bool:
    return (
        isinstance(decorator, ast.Attribute)
        and decorator.attr == "after_request"
        and isinstance(decorator.value, ast.Name)
        and decorator.value.id == app
    )


def _always_writes_origin(function: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    """How the hook writes Allow-Origin on every response: "set" (replacing a value already
    there) or "add" (another line); None where it may not."""
    names = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
    if len(names) != 1:
        return None
    headers = {f"{names[0]}.headers"}
    for statement in function.body:
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
                return "set"
        if (
            isinstance(statement, ast.Expr)
            and isinstance(statement.value, ast.Call)
            and isinstance(statement.value.func, ast.Attribute)
            and statement.value.func.attr in {"add", "set", "__setitem__"}
            and ast.unparse(statement.value.func.value) in headers
            and statement.value.args
            and _names_origin(statement.value.args[0])
        ):
            return "add" if statement.value.func.attr == "add" else "set"
        if any(isinstance(node, (ast.Return, ast.Raise)) for node in ast.walk(statement)):
            return None  # an answer that may leave before the write
    return None


def _names_origin(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.lower() == _ORIGIN
