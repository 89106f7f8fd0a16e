"""A `flask.Config` object the code fills on its own before handing it to the app:
`settings = Config(app.root_path)`, `settings.from_pyfile("config.py")` (or
`from_object`, `update`, `settings["CORS_ORIGINS"] = ...`), then
`app.config.update(settings)`. The update copies the keys the object holds at that
moment, so the object's writes are read as the app config's own, in order.

Read only where that is sure: the object is made once, by a statement of the same
function (or module level) as the update and before it, and every use of its name
between the two is one of those writes as a statement of that same body; anything else
(a write under an `if`, the object passed to a function, a root path other than
`<app>.root_path` for the file readers) leaves the update unknown, as before.
`app.config.from_object(settings)` is another matter: Flask copies upper-case
*attributes*, which a Config's keys are not, so it loads nothing (read so already)."""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass

from corslint.extractors.flask.collected import ConfigWrite, Site
from corslint.extractors.python import PythonModule
from corslint.model import Value

_CONFIG_CLASSES = frozenset({"flask.Config", "flask.config.Config"})
_WRITES = frozenset({"update", "from_mapping", "from_object", "from_pyfile", "from_file", "setdefault"})
_ROOT_READERS = frozenset({"from_pyfile", "from_file"})  # relative to the object's root path

WriteReader = Callable[[PythonModule, ast.Call, Site], ConfigWrite | None]
ItemReader = Callable[[PythonModule, ast.Subscript, ast.expr, Site], ConfigWrite | None]


@dataclass(frozen=True)
class Filled:
    """The CORS_* keys the object holds at the update, and why more may be set."""

    values: dict[str, Value]
    opaque: Value | None


def standalone_config(
    module: PythonModule,
    node: ast.expr,
    update: ast.Call,
    here: Site,
    read_call: WriteReader,
    read_item: ItemReader,
) -> Filled | None:
    """What `app.config.update(node)` copies when `node` names such an object; None when
    it does not, or corslint cannot be sure what it holds."""
    if not isinstance(node, ast.Name):
        return None
    body = _body_holding(module.tree, update)
    index = next((i for i, statement in enumerate(body) if _contains(statement, update)), None)
    if index is None:
        return None
    made = _made_at(module, body[:index], node.id)
    if made is None:
        return None
    start, root_known = made
    writes: list[ConfigWrite] = []
    for statement in body[start + 1 : index]:
        if not _mentions(statement, node.id):
            continue
        write = _write(module, statement, node.id, here, read_call, read_item, root_known)
        if write is None:
            return None
        writes.append(write)
    values: dict[str, Value] = {}
    opaque: Value | None = None
    for write in writes:
        if write.opaque is not None:
            opaque = write.opaque
        for key, value in write.values.items():
            if write.fills_only and key in values:
                continue
            values[key] = value
    return Filled(values, opaque)


def _body_holding(tree: ast.Module, target: ast.AST) -> list[ast.stmt]:
    """The statements of the innermost function (or the module) around `target`."""
    holders = [
        node
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _contains(node, target)
    ]
    innermost = next((h for h in holders if not any(o is not h and _contains(h, o) for o in holders)), None)
    return tree.body if innermost is None else innermost.body


def _contains(root: ast.AST, target: ast.AST) -> bool:
    return any(node is target for node in ast.walk(root))


def _made_at(module: PythonModule, statements: list[ast.stmt], name: str) -> tuple[int, bool] | None:
    """Where `name = flask.Config(root)` is the one binding of `name` among `statements`,
    and whether `root` is an app's `root_path`."""
    found: tuple[int, bool] | None = None
    for index, statement in enumerate(statements):
        if not _binds(statement, name):
            continue
        if found is not None or not isinstance(statement, ast.Assign) or len(statement.targets) != 1:
            return None
        call = statement.value
        if not (
            isinstance(call, ast.Call)
            and (module.qualified_name(call.func) or "") in _CONFIG_CLASSES
            and len(call.args) == 1
            and not call.keywords  # `defaults=`: not read
        ):
            return None
        root = call.args[0]
        found = (index, isinstance(root, ast.Attribute) and root.attr == "root_path")
    if found is None:
        return None
    # no use of the name before it is made (a global rebound inside a function)
    return None if any(_mentions(s, name) for s in statements[: found[0]]) else found


def _binds(statement: ast.stmt, name: str) -> bool:
    return any(
        isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, (ast.Store, ast.Del))
        for node in ast.walk(statement)
    )


def _mentions(statement: ast.stmt, name: str) -> bool:
    return any(isinstance(node, ast.Name) and node.id == name for node in ast.walk(statement))


def _as_app_config(receiver: ast.Name) -> ast.Attribute:
    """`settings` -> `settings.config`, so that the app-config readers read its writes."""
    return ast.copy_location(ast.Attribute(value=receiver, attr="config", ctx=ast.Load()), receiver)


def _write(
    module: PythonModule,
    statement: ast.stmt,
    name: str,
    here: Site,
    read_call: WriteReader,
    read_item: ItemReader,
    root_known: bool,
) -> ConfigWrite | None:
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
        call = statement.value
        func = call.func
        if not (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id == name
            and func.attr in _WRITES
            and not any(_mentions(ast.Expr(a), name) for a in [*call.args, *(k.value for k in call.keywords)])
        ):
            return None
        if func.attr in _ROOT_READERS and not root_known:
            return None
        attribute = ast.copy_location(
            ast.Attribute(value=_as_app_config(func.value), attr=func.attr, ctx=ast.Load()), func
        )
        return read_call(module, ast.copy_location(ast.Call(attribute, call.args, call.keywords), call), here)
    if (
        isinstance(statement, ast.Assign)
        and len(statement.targets) == 1
        and isinstance(target := statement.targets[0], ast.Subscript)
        and isinstance(target.value, ast.Name)
        and target.value.id == name
        and not _mentions(ast.Expr(statement.value), name)
    ):
        item = ast.copy_location(
            ast.Subscript(value=_as_app_config(target.value), slice=target.slice, ctx=ast.Store()), target
        )
        return read_item(module, item, statement.value, here)
    return None
