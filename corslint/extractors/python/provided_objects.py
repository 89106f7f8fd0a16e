"""Objects handed out by the project's own wiring, followed to the expression that makes
them: a `dependency_injector` container's providers (`settings =
providers.Singleton(get_app_settings)`, then `container.settings()`), and a class picked
from a dict display by a known key (`{AppEnv.prod: AppSettings, ...}[app_env]`)."""

from __future__ import annotations

import ast
from typing import Protocol

from corslint.extractors.python.scope import Scope
from corslint.extractors.python.syntax import dotted_name
from corslint.model import UnresolvedValueError, Value

# providers whose call runs the provided callable with the provider's own arguments
_CALLING_PROVIDERS = frozenset(
    {"Singleton", "ThreadSafeSingleton", "ThreadLocalSingleton", "Factory", "Callable"}
)
_PROVIDER_MODULE = "dependency_injector.providers"


class Resolver(Protocol):
    def qualified_name(self, node: ast.AST) -> str | None: ...

    def resolve(self, node: ast.expr, scope: Scope) -> Value: ...

    def lookup(self, name: str, node: ast.AST, scope: Scope) -> object: ...


def provided_call(module: Resolver, class_def: ast.ClassDef, name: str) -> ast.Call | None:
    """`NAME = providers.Singleton(f, *args)` in a container class body: the call `f(*args)`
    that calling the provider makes (a synthetic node placed at the provider)."""
    for statement in class_def.body:
        if not (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
            and statement.targets[0].id == name
        ):
            continue
        provider = statement.value
        if not (isinstance(provider, ast.Call) and provider.args):
            return None
        qualified = module.qualified_name(provider.func) or dotted_name(provider.func)
        kind = qualified.rsplit(".", 1)[-1]
        if not (qualified.startswith(f"{_PROVIDER_MODULE}.") and kind in _CALLING_PROVIDERS):
            return None
        if any(isinstance(arg, ast.Starred) for arg in provider.args):
            return None
        made = ast.Call(func=provider.args[0], args=provider.args[1:], keywords=provider.keywords)
        return ast.copy_location(made, provider)
    return None


def dict_entry(module: Resolver, node: ast.Subscript, scope: Scope) -> ast.expr | None:
    """`ENTRIES[key]` where `ENTRIES` is bound to a dict display and `key` is known: the
    display's value expression for that key (None when any key is unknown)."""
    display = node.value
    if isinstance(display, ast.Name):
        found = module.lookup(display.id, display, scope)
        bound = getattr(found, "node", None)
        display = bound if getattr(found, "kind", "") == "value" and isinstance(bound, ast.Dict) else display
    if not isinstance(display, ast.Dict) or any(key is None for key in display.keys):
        return None
    wanted = _plain(module.resolve(node.slice, scope))
    if wanted is None:
        return None
    chosen: ast.expr | None = None
    for key, value in zip(display.keys, display.values, strict=True):
        given = _plain(module.resolve(key, scope)) if key is not None else None
        if given is None:
            return None
        if given == wanted:
            chosen = value  # a later equal key wins, as in Python
    return chosen


def _plain(value: Value) -> object | None:
    if not value.known:
        return None
    try:
        found = value.plain()
    except UnresolvedValueError:
        return None
    return found if isinstance(found, (str, int, bool)) else None
