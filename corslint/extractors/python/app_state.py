"""An aiohttp application's state read in one function and stored in another
(toolen/passgen: passgen/settings.py `init_settings(app, ...)` stores
`app['settings'] = {'cors_origin': get_string_env('PASSGEN_CORS_ORIGIN', '*'), ...}`, and
passgen/cors.py `init_cors(app)` reads `app["settings"]["cors_origin"]` as the aiohttp-cors
defaults key).

The read is resolved only where nothing is guessed: it is `param["key"]...` (or a local
bound to it) on a parameter of the enclosing function (the app handed in), and the
project's own modules (tests aside) store `<name>["key"] = ...` exactly once, to a value
that resolves. Any other write into that state (`app["key"]["item"] = ...`, `+=`) leaves
the read unknown; `app["key"].update(overrides)` from a parameter of the storing function
is the caller's overrides, like an environment variable's: the stored value is what runs
when none are handed in, and keeps the environment defaults it was built from, so rules
judge it as a default ("when PASSGEN_CORS_ORIGIN is unset")."""

from __future__ import annotations

import ast

from corslint.extractors.python.module import PythonModule
from corslint.extractors.python.project_files import sources_holding
from corslint.extractors.python.scope import EMPTY_SCOPE
from corslint.model import Value

MAX_STORES = 4  # stores of the key read before giving up
_MUTATORS = frozenset({"update", "setdefault", "pop", "popitem", "clear", "__setitem__", "__delitem__"})


def stored_state(module: PythonModule, node: ast.expr, shared: dict[str, object]) -> Value | None:
    """The value `node` reads from the app state another module stores, or None."""
    if isinstance(node, ast.Name):
        bound = module.lookup(node.id, node, EMPTY_SCOPE)
        if bound.kind != "value" or not isinstance(bound.node, ast.Subscript):
            return None
        node = bound.node
    keys: list[str] = []
    while isinstance(node, ast.Subscript):
        if not (isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str)):
            return None
        keys.insert(0, node.slice.value)
        node = node.value
    if not keys or not isinstance(node, ast.Name) or not _is_parameter(module, node):
        return None
    stored = _the_store(module, keys[0], shared)
    if stored is None:
        return None
    value = stored
    for key in keys[1:]:
        if not value.known or not isinstance(value.raw, dict) or not isinstance(value.raw.get(key), Value):
            return None
        value = value.raw[key]
    return value if value.known else None


def _is_parameter(module: PythonModule, name: ast.Name) -> bool:
    for function in ast.walk(module.tree):
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
            child is name for child in ast.walk(function)
        ):
            arguments = function.args
            every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
            return any(argument.arg == name.id for argument in every)
    return False


def _the_store(module: PythonModule, key: str, shared: dict[str, object]) -> Value | None:
    project = module.project
    sources = sources_holding(module.path, key.encode(), shared)
    if project is None or sources is None:
        return None
    found: list[tuple[PythonModule, ast.Assign]] = []
    for path, _ in sources:
        other = project.module_at(path, project.display_path(module.path, path))
        if other is None:
            continue
        for node in ast.walk(other.tree):
            if isinstance(node, ast.Assign) and any(_state(target, key) for target in node.targets):
                found.append((other, node))
            elif _changes_state(other, node, key):
                return None
        if len(found) > MAX_STORES:
            return None
    if len(found) != 1:
        return None
    other, store = found[0]
    value = other.resolve(store.value)
    return value if value.known else None


def _state(node: ast.AST, key: str) -> bool:
    """`<name>["key"]`."""
    return (
        isinstance(node, ast.Subscript)
        and isinstance(node.value, ast.Name)
        and isinstance(node.slice, ast.Constant)
        and node.slice.value == key
    )


def _changes_state(module: PythonModule, node: ast.AST, key: str) -> bool:
    """A write into the stored state other than the caller's overrides."""
    targets: list[ast.expr] = []
    if isinstance(node, ast.Assign):
        targets = list(node.targets)
    elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
        targets = [node.target]
    if any(_state(target, key) or _within_state(target, key) for target in targets):
        return isinstance(node, (ast.AugAssign, ast.AnnAssign)) or any(
            _within_state(target, key) for target in targets
        )
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in _MUTATORS
        and _state(node.func.value, key)
    ):
        overrides = (
            node.func.attr == "update"
            and len(node.args) == 1
            and not node.keywords
            and isinstance(node.args[0], ast.Name)
            and _is_parameter(module, node.args[0])
        )
        return not overrides
    return False


def _within_state(node: ast.AST, key: str) -> bool:
    """`<name>["key"]["item"]` (an item store into the state)."""
    return isinstance(node, ast.Subscript) and (_state(node.value, key) or _within_state(node.value, key))
