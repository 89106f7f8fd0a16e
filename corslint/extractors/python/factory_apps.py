"""The app a module-level name holds when it is the result of an app factory:
`app = create_app()` in `run.py`, where `create_app()` (here or in another module of the
project) builds `app = Flask(__name__)` and returns it. A `CORS(app)` or an
`app.after_request` hook on that name and a `CORS(app)` or hook inside the factory are
layers of one app (CORS302), so both are keyed as the factory keys its local app:
`path::def create_app@LINE::app`.

Followed only when the factory is called once in the project (tests left out): two
entry points that each call `create_app()` make two apps, and their own layers must not
meet."""

from __future__ import annotations

import ast

from corslint.extractors.python.module import PythonModule

Function = ast.FunctionDef | ast.AsyncFunctionDef

APP_CLASSES = frozenset({"flask.Flask", "flask.app.Flask"})
MAX_FACTORIES = 3  # factories that return another factory's app, followed before giving up


def factory_app_key(module: PythonModule, receiver: str, line: int, depth: int = 0) -> str | None:
    """The factory's key for the module-level name `receiver` used at `line`, when its
    last module-level assignment before that line is the sole call of an app factory."""
    if depth >= MAX_FACTORIES or not receiver.isidentifier():
        return None
    call = _last_assignment(module.tree.body, receiver, line)
    if call is None:
        return None
    found = _factory(module, call)
    if found is None:
        return None
    home, factory = found
    if len(module.call_sites(factory)) != 1:
        return None
    return returned_app_key(home, factory, depth)


def returned_app_key(module: PythonModule, factory: Function, depth: int = 0) -> str | None:
    """`path::def factory@LINE::name` when `factory` builds a Flask app in the local
    `name` and returns it; the inner factory's key when it returns another factory's app."""
    returns = [node for node in _own_nodes(factory) if isinstance(node, ast.Return)]
    returned = {node.value.id for node in returns if isinstance(node.value, ast.Name)}
    if len(returned) != 1 or len(returned) != len({ast.dump(r) for r in returns}):
        return None
    name = returned.pop()
    line = max(r.lineno for r in returns)
    call = _last_assignment(factory.body, name, line, nested=True)
    if call is None:
        return None
    if (module.qualified_name(call.func) or "") in APP_CLASSES:
        return f"{module.path}::def {factory.name}@{module.location(factory).line}::{name}"
    inner = _factory(module, call)
    if inner is None or depth + 1 >= MAX_FACTORIES:
        return None
    return returned_app_key(inner[0], inner[1], depth + 1)


def _own_nodes(function: Function) -> list[ast.AST]:
    """The nodes of `function`'s body, without those of the functions and classes it
    defines (the `return response` of a hook defined inside the factory is the hook's)."""
    found: list[ast.AST] = []
    stack: list[ast.AST] = list(function.body)
    while stack:
        node = stack.pop()
        found.append(node)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        stack.extend(ast.iter_child_nodes(node))
    return found


def _last_assignment(body: list[ast.stmt], name: str, line: int, nested: bool = False) -> ast.Call | None:
    """The value of the last plain `name = ...` before `line` among `body`'s statements
    (and the blocks inside them when `nested`), when that value is a call."""
    statements = (
        sorted(
            (n for statement in body for n in _own_statements(statement)),
            key=lambda n: (n.lineno, n.col_offset),
        )
        if nested
        else body
    )
    last: ast.expr | None = None
    for statement in statements:
        if statement.lineno >= line:
            continue
        if (
            isinstance(statement, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == name for t in statement.targets)
        ) or (
            isinstance(statement, (ast.AnnAssign, ast.AugAssign))
            and (isinstance(statement.target, ast.Name) and statement.target.id == name)
        ):
            last = statement.value
    return last if isinstance(last, ast.Call) else None


def _own_statements(statement: ast.stmt) -> list[ast.stmt]:
    """`statement` and the statements of the blocks inside it, not of the functions it defines."""
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return []
    found = [statement]
    for child in ast.iter_child_nodes(statement):
        if isinstance(child, ast.stmt):
            found += _own_statements(child)
    return found


def _factory(module: PythonModule, call: ast.Call) -> tuple[PythonModule, Function] | None:
    """The module-level function `call` calls: defined here, or imported from the project."""
    if isinstance(call.func, ast.Name):
        for statement in module.tree.body:
            if (
                isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef))
                and statement.name == call.func.id
            ):
                return module, statement
    qualified = module.qualified_name(call.func)
    if not qualified or "." not in qualified:
        return None
    target = module.import_target(qualified)
    if target is None:
        return None
    other, name = target
    for statement in other.tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and statement.name == name:
            return other, statement
    # a package that re-exports the factory (`from .factory import create_app` in `__init__`)
    again = other.qualified_name(ast.Name(id=name, ctx=ast.Load()))
    target = other.import_target(again) if again and "." in again and other is not module else None
    if target is None:
        return None
    for statement in target[0].tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and statement.name == target[1]:
            return target[0], statement
    return None
