"""Lists and dicts changed in place after they are bound: `origins.append(x)`,
`options["allow_origin_regex"] = ...`, `options.update(...)`, each applied to the value
in the order the code runs. A change under a condition that cannot be decided leaves
unknown what it touches: the one key of a dict it sets, or else the whole value."""

from __future__ import annotations

import ast
from typing import Any

from corslint.extractors.list_items import ListItems
from corslint.extractors.python.flow import FlowResolver, helper_filled, mutates
from corslint.extractors.python.scope import Scope
from corslint.extractors.python.values import under_condition
from corslint.model import Provenance, UnresolvedValueError, Value

_KEYS = (str, int, bool)
_MAX_UNROLLED = 50  # items of a loop read one by one; a longer loop leaves the value unknown


class MutationResolver(FlowResolver):
    """Applies the in-place changes a lookup found between a binding and its use."""

    def apply_mutations(
        self, value: Value, name: str, statements: tuple[ast.stmt, ...], scope: Scope
    ) -> Value:
        for statement in statements:
            if not value.known:
                return value
            value = self._mutate(value, name, statement, scope)
        return value

    def _mutate(self, value: Value, name: str, statement: ast.stmt, scope: Scope) -> Value:
        if isinstance(statement, ast.If):
            condition = self.decide(statement.test, scope)
            if condition is None:
                return self._uncertain(value, name, statement, f"under `if {self.source(statement.test)}`")
            before = value
            for inner in statement.body if condition.raw else statement.orelse:
                if mutates(inner, name):
                    value = self._mutate(value, name, inner, scope)
            return _changed_under(before, value, condition)
        if isinstance(statement, (ast.With, ast.AsyncWith)):
            for inner in statement.body:
                if mutates(inner, name):
                    value = self._mutate(value, name, inner, scope)
            return value
        if isinstance(statement, ast.For):
            unrolled = self._unrolled(value, name, statement, scope)
            if unrolled is not None:
                return unrolled
        if not isinstance(statement, (ast.Expr, ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
            return self._uncertain(value, name, statement, "in a loop or `try`")
        for change in _changes(statement, name):
            if isinstance(change, ast.Call) and isinstance(change.func, ast.Name):
                value = self.helper_change(value, name, change, scope)
            else:
                value = self._change(value, change, scope)
            if not value.known:
                return value
        return value

    def helper_change(self, value: Value, name: str, call: ast.Call, scope: Scope) -> Value:
        """What `fill(name, ...)` leaves in `name`: a module that cannot follow calls keeps
        the value (as it did before helpers were looked at)."""
        return value

    def _unrolled(self, value: Value, name: str, loop: ast.For, scope: Scope) -> Value | None:
        """`for item in os.getenv("URLS", "https://a.example").split(","): origins.add(item)`
        over a known list: the body once per item, `item` bound to it. None when the list
        is not known, long, or the body may leave the loop early."""
        if not isinstance(loop.target, ast.Name) or loop.orelse:
            return None
        if any(
            isinstance(n, (ast.Break, ast.Continue, ast.Return, ast.Raise, ast.Try)) for n in ast.walk(loop)
        ):
            return None
        items = self.resolve(loop.iter, scope)
        if not items.known or not isinstance(items.raw, tuple) or len(items.raw) > _MAX_UNROLLED:
            return None
        for item in items.raw:
            inner = Scope({**scope.names, loop.target.id: item}, scope.depth, scope.frames)
            for statement in loop.body:
                if mutates(statement, name):
                    value = self._mutate(value, name, statement, inner)
                    if not value.known:
                        return value
        return value

    def _change(self, value: Value, change: ast.AST, scope: Scope) -> Value:
        location = value.location
        raw = value.raw
        if isinstance(change, ast.Call) and isinstance(change.func, ast.Attribute):
            method = change.func.attr
            args = [self.resolve(a, scope) for a in change.args if not isinstance(a, ast.Starred)]
            if len(args) != len(change.args) or any(not a.known for a in args):
                return self._unknown_change(value, change)
            if isinstance(raw, tuple):
                return self._list_change(value, method, args, change, scope)
            if isinstance(raw, dict):
                return self._dict_change(value, method, args, change, scope)
            return self._unknown_change(value, change)
        if isinstance(change, ast.Assign) and isinstance(raw, dict):
            target = change.targets[0]
            assert isinstance(target, ast.Subscript)
            key = self.resolve(target.slice, scope)
            if not key.known or not isinstance(key.raw, _KEYS):
                return self._unknown_change(value, change)
            return _dict(value, {**raw, key.raw: self.resolve(change.value, scope)})
        if isinstance(change, ast.Delete) and isinstance(raw, dict):
            target = change.targets[0]
            assert isinstance(target, ast.Subscript)
            key = self.resolve(target.slice, scope)
            if not key.known or key.raw not in raw:
                return self._unknown_change(value, change)
            return _dict(value, {k: v for k, v in raw.items() if k != key.raw})
        return Value(None, location, Provenance.UNKNOWN, value.env_var, self._changed(change), value.related)

    def _list_change(
        self, value: Value, method: str, args: list[Value], change: ast.Call, scope: Scope
    ) -> Value:
        items: tuple[Value, ...] = value.raw
        if change.keywords:
            return self._unknown_change(value, change)
        if method in {"append", "add"} and len(args) == 1:
            return _list(value, (*items, args[0]))
        if method == "extend" and len(args) == 1 and isinstance(args[0].raw, tuple):
            return _list(value, (*items, *args[0].raw))
        if method == "update" and args and all(isinstance(a.raw, tuple) for a in args):
            # a set's `origins.update(o for o in extra.split(",") if o)`: order means nothing
            return _list(value, (*items, *(item for a in args for item in a.raw)))
        if method == "insert" and len(args) == 2 and isinstance(args[0].raw, int):
            position = args[0].raw
            return _list(value, (*items[:position], args[1], *items[position:]))
        if method in {"remove", "discard"} and len(args) == 1:
            plain = [_plain(item) for item in items]
            wanted = _plain(args[0])
            if wanted in plain:
                index = plain.index(wanted)
                return _list(value, items[:index] + items[index + 1 :])
            return value if method == "discard" else self._unknown_change(value, change)
        if method == "clear" and not args:
            return _list(value, ())
        if method in {"sort", "reverse"}:
            return value  # an allow-list means the same in any order
        return self._unknown_change(value, change)

    def _dict_change(
        self, value: Value, method: str, args: list[Value], change: ast.Call, scope: Scope
    ) -> Value:
        entries: dict[Any, Value] = value.raw
        keywords = {k.arg: self.resolve(k.value, scope) for k in change.keywords if k.arg is not None}
        if len(keywords) != len(change.keywords):
            return self._unknown_change(value, change)
        if method == "update" and len(args) <= 1:
            merged = dict(entries)
            if args:
                if not isinstance(args[0].raw, dict):
                    return self._unknown_change(value, change)
                merged.update(args[0].raw)
            merged.update(keywords)
            return _dict(value, merged)
        if keywords:
            return self._unknown_change(value, change)
        if method == "setdefault" and len(args) in (1, 2) and isinstance(args[0].raw, _KEYS):
            if args[0].raw in entries:
                return value
            default = args[1] if len(args) == 2 else Value(None, args[0].location)
            return _dict(value, {**entries, args[0].raw: default})
        if method == "pop" and args and isinstance(args[0].raw, _KEYS):
            return _dict(value, {k: v for k, v in entries.items() if k != args[0].raw})
        if method == "clear" and not args:
            return _dict(value, {})
        return self._unknown_change(value, change)

    def _uncertain(self, value: Value, name: str, statement: ast.stmt, where: str) -> Value:
        """A change that may or may not run: the dict keys it sets become unknown (each
        names the condition), anything else leaves the whole value unknown."""
        if isinstance(value.raw, dict):
            keys = self._keys_set(statement, name)
            if keys is not None:
                entries = dict(value.raw)
                for key, node in keys:
                    entries[key] = Value(
                        None,
                        self.location(node),
                        Provenance.UNKNOWN,
                        description=f"{self.source(node)} (set {where})",
                    )
                return _dict(value, entries)
        why = f"`{name}` is changed {where}"
        return Value(None, value.location, Provenance.UNKNOWN, value.env_var, why, value.related)

    def _keys_set(self, statement: ast.stmt, name: str) -> list[tuple[Any, ast.AST]] | None:
        """The constant keys that `name[KEY] = ...` / `name.update(KEY=...)` set anywhere in
        `statement`, or None when it changes `name` in another way."""
        found: list[tuple[Any, ast.AST]] = []
        for node in ast.walk(statement):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if _is_item_of(target, name):
                        assert isinstance(target, ast.Subscript)
                        key = target.slice
                        if not (isinstance(key, ast.Constant) and isinstance(key.value, _KEYS)):
                            return None
                        found.append((key.value, node.value))
            elif isinstance(node, ast.Call) and _is_method_of(node, name):
                assert isinstance(node.func, ast.Attribute)
                if node.func.attr != "update" or node.args or any(k.arg is None for k in node.keywords):
                    return None
                found.extend((k.arg, k.value) for k in node.keywords)
            elif isinstance(node, (ast.AugAssign, ast.Delete)) and any(
                _is_item_of(t, name)
                for t in (node.targets if isinstance(node, ast.Delete) else [node.target])
            ):
                return None
        return found

    def _unknown_change(self, value: Value, change: ast.AST) -> Value:
        return Value(
            None, value.location, Provenance.UNKNOWN, value.env_var, self._changed(change), value.related
        )

    def _changed(self, change: ast.AST) -> str:
        return f"changed by {self.source(change)}"


def _is_item_of(target: ast.AST, name: str) -> bool:
    return (
        isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) and target.value.id == name
    )


def _is_method_of(node: ast.Call, name: str) -> bool:
    return (
        isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == name
    )


def _changes(statement: ast.stmt, name: str) -> list[ast.AST]:
    """The in-place changes of `name` a simple statement makes, in the order they run:
    method calls on it, and the item assignments and deletions of the statement itself."""
    calls = [n for n in ast.walk(statement) if isinstance(n, ast.Call) and _is_method_of(n, name)]
    calls += [
        n.value
        for n in ast.walk(statement)
        if isinstance(n, ast.Expr) and isinstance(n.value, ast.Call) and name in helper_filled(n)
    ]
    calls.sort(key=lambda n: (n.lineno, n.col_offset))
    found: list[ast.AST] = list(calls)
    if isinstance(statement, ast.Assign) and any(_is_item_of(t, name) for t in statement.targets):
        if len(statement.targets) != 1:
            found.append(statement.targets[0])  # `a[k] = b[k] = v`: not followed
        else:
            found.append(statement)
    elif isinstance(statement, (ast.AugAssign, ast.AnnAssign)) and _is_item_of(statement.target, name):
        found.append(statement.target)
    elif isinstance(statement, ast.Delete):
        for target in statement.targets:
            if _is_item_of(target, name):
                found.append(ast.Delete(targets=[target]) if len(statement.targets) > 1 else statement)
    return found


def _plain(value: Value) -> Any:
    try:
        return value.plain()
    except UnresolvedValueError:  # an unknown entry equals nothing
        return object()


def _list(value: Value, items: tuple[Value, ...]) -> Value:
    return Value(items, value.location, value.provenance, value.env_var, value.description, value.related)


def _dict(value: Value, entries: dict[Any, Value]) -> Value:
    return Value(entries, value.location, value.provenance, value.env_var, value.description, value.related)


def _changed_under(before: Value, after: Value, condition: Value) -> Value:
    """The entries and keys an `if` decided by an environment default added or set hold only
    while that default does (`if debug: options["allow_origins"] = ["*"]`, census 6 P25:
    "when DEBUG is unset"); what was there before keeps its own."""
    if condition.env_var is None or not after.known or after is before:
        return after
    old = before.raw if before.known else None
    if isinstance(after.raw, dict):
        kept = old if isinstance(old, dict) else {}
        raw: Any = {
            key: item if kept.get(key) is item else under_condition(item, condition)
            for key, item in after.raw.items()
        }
    elif isinstance(after.raw, tuple):
        present = {id(item) for item in old} if isinstance(old, tuple) else set()
        made = [item if id(item) in present else under_condition(item, condition) for item in after.raw]
        raw = type(after.raw)(made) if isinstance(after.raw, ListItems) else tuple(made)
    else:
        return after
    return Value(raw, after.location, after.provenance, after.env_var, after.description, after.related)
