"""Lists changed in place in a settings module: `MIDDLEWARE.insert(0, ...)`,
`MIDDLEWARE.insert(MIDDLEWARE.index("...") + 1, ...)`, `.append()`, `.extend()`,
`.remove()` and `+=`, applied to every value the name may have."""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence

from corslint.extractors.django.namespace import MAX_ALTERNATIVES, Namespace, Setting
from corslint.extractors.python import PythonModule, Scope
from corslint.model import Location, Provenance, Value

MUTATORS = frozenset({"append", "insert", "extend", "remove", "pop", "clear", "sort", "reverse"})
# what a list mutation can turn one value into: the possible results, or None for "unknown"
Change = Callable[[tuple[Value, ...]], list[tuple[Value, ...]] | None]


def current_setting(module: PythonModule, namespace: Namespace, name: str, scope: Scope) -> Setting | None:
    """The name's setting; for `from .base import MIDDLEWARE` followed by `MIDDLEWARE +=
    [...]` (a component file of split settings), the imported list, which Python changes
    in place."""
    found = namespace.settings.get(name)
    if found is not None or name not in module.imports:
        return found
    value = module.resolve(ast.Name(id=name, ctx=ast.Load()), scope)
    return Setting(value, value.location) if value.known else None


def mutate(module: PythonModule, call: ast.Call, namespace: Namespace, scope: Scope) -> None:
    """`MIDDLEWARE.insert(0, ...)`, `INSTALLED_APPS.append(...)`, `.extend(...)`, `.remove(...)`."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)):
        return
    name, method = func.value.id, func.attr
    if method not in MUTATORS:
        return
    current = current_setting(module, namespace, name, scope)
    if current is None:
        return
    change = _change(module, call, name, scope)
    if change is None:
        unknown(module, namespace, name, call, f"modified with `{module.source(call).strip()}`")
        return
    changed = apply(current, change)
    if changed is None:
        unknown(module, namespace, name, call, f"modified with `{module.source(call).strip()}`")
        return
    namespace.settings[name] = changed


def augment(
    module: PythonModule, node: ast.AugAssign, target: ast.Name, namespace: Namespace, scope: Scope
) -> None:
    name = target.id
    current = current_setting(module, namespace, name, scope)
    addition = module.resolve(node.value, scope)
    if (
        isinstance(node.op, ast.Add)
        and current is not None
        and addition.known
        and isinstance(addition.raw, tuple)
    ):
        added = addition.raw
        changed = apply(current, lambda items: [items + added])
        if changed is not None:
            value = changed.value
            if value.known:  # the value now reads from the addition too
                value = Value(
                    value.raw,
                    module.location(node.value),
                    addition.provenance,
                    value.env_var or addition.env_var,
                )
            namespace.settings[name] = Setting(value, module.location(target), changed.alternatives)
            return
    unknown(module, namespace, name, node, f"modified with `{module.source(node).strip()}`")


def apply(current: Setting, change: Change) -> Setting | None:
    """`change` applied to the setting's value and to each of its alternatives; None when
    the result is unknown for every one of them."""
    value = current.value
    primary: Value | None = None
    extra: list[Value] = []
    if value.known and isinstance(value.raw, tuple):
        results = change(value.raw)
        if results:
            primary = _like(value, results[0])
            extra = [_like(value, items) for items in results[1:]]
    alternatives: list[Value] = []
    if current.alternatives:
        for alternative in current.alternatives:
            results = (
                change(alternative.raw) if alternative.known and isinstance(alternative.raw, tuple) else None
            )
            if results is None:
                alternatives.append(alternative if not alternative.known else _unknown_like(alternative))
            else:
                alternatives.extend(_like(alternative, items) for items in results)
    elif extra and primary is not None:
        alternatives = [primary, *extra]
    if primary is None and not any(item.known for item in alternatives):
        return None
    if primary is None:
        primary = value if not value.known else _unknown_like(value)
    return Setting(primary, current.target, tuple(alternatives[:MAX_ALTERNATIVES]))


def _like(template: Value, items: tuple[Value, ...]) -> Value:
    return Value(
        items,
        template.location,
        template.provenance,
        template.env_var,
        template.description,
        template.related,
    )


def _unknown_like(template: Value) -> Value:
    return Value(
        None,
        template.location,
        Provenance.UNKNOWN,
        description="a list changed in a way corslint cannot follow",
    )


def _change(module: PythonModule, call: ast.Call, name: str, scope: Scope) -> Change | None:
    if any(isinstance(arg, ast.Starred) for arg in call.args) or call.keywords:
        return None
    args = call.args
    method = call.func.attr if isinstance(call.func, ast.Attribute) else ""
    if method == "append" and len(args) == 1:
        item = module.resolve(args[0], scope)
        return lambda items: [(*items, item)]
    if method == "extend" and len(args) == 1:
        added = module.resolve(args[0], scope)
        if not added.known or not isinstance(added.raw, tuple):
            return None
        extension: tuple[Value, ...] = added.raw
        return lambda items: [items + extension]
    if method == "insert" and len(args) == 2:
        item = module.resolve(args[1], scope)
        where = args[0]
        return lambda items: _inserted(module, items, where, item, name, scope)
    if method == "remove" and len(args) == 1:
        removed = module.resolve(args[0], scope)
        if not removed.known:
            return None
        return lambda items: [_without(items, removed)]
    return None


def _inserted(
    module: PythonModule, items: tuple[Value, ...], where: ast.expr, item: Value, name: str, scope: Scope
) -> list[tuple[Value, ...]]:
    """`list.insert` at a position worked out on this value of the list; at an unknown
    position, both ends (whatever lies between, the other entries keep their order)."""
    index = _index(module, where, items, name, scope)
    if index is None:
        return [(item, *items), (*items, item)]
    changed = list(items)
    changed.insert(index, item)
    return [tuple(changed)]


def _index(
    module: PythonModule, node: ast.expr, items: Sequence[Value], name: str, scope: Scope
) -> int | None:
    """`0`, `-1`, `len(MIDDLEWARE)`, `MIDDLEWARE.index("...")`, and sums of those."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
        left = _index(module, node.left, items, name, scope)
        right = _index(module, node.right, items, name, scope)
        if left is None or right is None:
            return None
        return left + right if isinstance(node.op, ast.Add) else left - right
    if isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords:
        func = node.func
        argument = node.args[0]
        if isinstance(func, ast.Name) and func.id == "len" and _is_name(argument, name):
            return len(items)
        if isinstance(func, ast.Attribute) and func.attr == "index" and _is_name(func.value, name):
            wanted = module.resolve(argument, scope)
            if not wanted.known:
                return None
            for position, entry in enumerate(items):
                if entry.known and entry.raw == wanted.raw:
                    return position
            return None  # Python raises ValueError: the settings module would not load
    value = module.resolve(node, scope)
    if value.known and isinstance(value.raw, int) and not isinstance(value.raw, bool):
        return value.raw
    return None


def _is_name(node: ast.expr, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def _without(items: tuple[Value, ...], removed: Value) -> tuple[Value, ...]:
    for index, item in enumerate(items):
        if item.known and item.raw == removed.raw:
            return items[:index] + items[index + 1 :]
    return items


def unknown(module: PythonModule, namespace: Namespace, name: str, node: ast.AST, why: str) -> None:
    location = module.location(node)
    namespace.settings[name] = Setting(
        Value(None, location, Provenance.UNKNOWN, description=f"{name} {why}"), location
    )


def bind(
    namespace: Namespace, name: str, value: Value, target: Location, alternatives: tuple[Value, ...] = ()
) -> None:
    namespace.settings[name] = Setting(value, target, alternatives)
