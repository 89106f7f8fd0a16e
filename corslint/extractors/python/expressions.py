"""Expressions resolved to values: literals, containers, operators, f-strings and
comprehensions. Names, attributes and calls can lead to other modules: `PythonModule`
resolves those."""

from __future__ import annotations

import ast
import os
from collections.abc import Callable
from typing import Any

from corslint.extractors.python.scope import EMPTY_SCOPE, MAX_DEPTH, Scope
from corslint.extractors.python.source import ModuleSource
from corslint.extractors.python.values import (
    FileRef,
    ListItems,
    as_env_default,
    is_number,
    is_unset_read,
    truth,
    under_condition,
    weaker,
)
from corslint.model import Location, Provenance, UnresolvedValueError, Value


class ExpressionResolver(ModuleSource):
    """Value resolution of the expressions that need nothing outside the module."""

    # -- value resolution -------------------------------------------------------------
    def unknown(self, node: ast.AST, why: str = "") -> Value:
        text = self.source(node).strip()
        if len(text) > 80:
            text = text[:77] + "..."
        return Value(None, self.location(node), Provenance.UNKNOWN, description=why or text)

    def deployed_env(self, name: str, location: Location) -> Value | None:
        """The value the project's deployment sets environment variable `name` to, if known."""
        return None

    def resolve(self, node: ast.expr, scope: Scope = EMPTY_SCOPE) -> Value:
        if scope.depth > MAX_DEPTH:
            return self.unknown(node)
        try:
            return self._resolve(node, scope.deeper())
        except RecursionError:
            return self.unknown(node)

    def _resolve(self, node: ast.expr, scope: Scope) -> Value:
        if isinstance(node, ast.Constant):
            raw = node.value
            if raw is None or isinstance(raw, (str, bool, int, float)):
                return Value(raw, self.location(node))
            return self.unknown(node)  # bytes, complex, Ellipsis
        if isinstance(node, ast.JoinedStr):
            return self._resolve_fstring(node, scope)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            operand = truth(self.resolve(node.operand, scope))
            if operand is None:
                return self.unknown(node)
            return Value(not operand.raw, self.location(node), operand.provenance, operand.env_var)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            inner = self.resolve(node.operand, scope)
            if inner.known and is_number(inner.raw):
                return Value(
                    -inner.raw, self.location(node), inner.provenance, inner.env_var, related=inner.related
                )
            return self.unknown(node)
        if isinstance(node, ast.Name):
            return self._resolve_name(node, scope)
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            return self._resolve_sequence(node, scope)
        if isinstance(node, ast.Dict):
            return self._resolve_dict(node, scope)
        if isinstance(node, ast.BinOp):
            return self._resolve_binary(node, scope)
        if isinstance(node, ast.Call):
            return self._resolve_call(node, scope)
        if isinstance(node, ast.Attribute):
            return self._resolve_attribute(node, scope)
        if isinstance(node, (ast.ListComp, ast.GeneratorExp, ast.SetComp)):
            return self._resolve_comprehension(node, scope)
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            return self._resolve_comparison(node, scope)
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
            return self._resolve_or(node, node.values, scope)
        if isinstance(node, ast.BoolOp):
            return self._resolve_and(node, scope)
        if isinstance(node, ast.IfExp):
            condition = self.decide(node.test, scope)
            if condition is None:
                return self.unknown(node)
            return under_condition(
                self.resolve(node.body if condition.raw else node.orelse, scope), condition
            )
        if isinstance(node, ast.Subscript):
            return self._resolve_subscript(node, scope)
        if isinstance(node, ast.NamedExpr):  # `if (x := os.getenv("X")) is not None:`
            return self.resolve(node.value, scope)
        return self.unknown(node)

    def decide(self, test: ast.expr, scope: Scope) -> Value | None:
        """The truth of a condition, when it can be known (an unset variable is None)."""
        return truth(self.resolve(test, scope))

    def _resolve_and(self, node: ast.BoolOp, scope: Scope) -> Value:
        """`a and b`: the first false operand, else the last."""
        result = self.unknown(node)
        for operand in node.values:
            result = self.resolve(operand, scope)
            decided = truth(result)
            if decided is None:
                return self.unknown(node)
            if not decided.raw:
                return _as_none(result) if is_unset_read(result) else result
        return result

    def _resolve_subscript(self, node: ast.Subscript, scope: Scope) -> Value:
        """`CONFIG["cors"]["origins"]`, `ORIGINS[0]`: an item of a known dict or list."""
        container = self.resolve(node.value, scope)
        key = self.resolve(node.slice, scope)
        if (
            not container.known
            and key.known
            and isinstance(key.raw, str)
            and self.qualified_name(node.value) == "os.environ"  # `os.environ["X"]`: no default
        ):
            deployed = self.deployed_env(key.raw, self.location(node))
            if deployed is not None:
                return deployed
        if not (container.known and key.known):
            return self.unknown(node)
        raw = container.raw
        if isinstance(raw, dict) and isinstance(key.raw, (str, int, bool)) and key.raw in raw:
            return _item(raw[key.raw], container)
        index = key.raw
        if (
            isinstance(raw, tuple)
            and isinstance(index, int)
            and not isinstance(index, bool)
            and -len(raw) <= index < len(raw)
        ):
            return _item(raw[index], container)
        return self.unknown(node)

    def _resolve_or(self, node: ast.BoolOp, values: list[ast.expr], scope: Scope) -> Value:
        """`os.getenv("X") or "default"`: the right side is what an unset variable gives."""
        if len(values) == 1:
            return self.resolve(values[0], scope)
        left = self._resolve_or(node, values[:-1], scope)
        if not left.known and left.env_var is not None:
            right = self.resolve(values[-1], scope)
            return as_env_default(right, left.env_var, self.location(node))
        if (
            left.known
            and not left.raw
            and left.env_var is not None
            and left.provenance is not Provenance.LITERAL
        ):
            # a default that is empty (`parser.get(..., fallback="")`): the right side is
            # what applies while the setting is unset, as for an unset variable; each entry
            # keeps its own line (two entries must not become one place) and names the
            # place where the fallback is chosen
            right = self.resolve(values[-1], scope)
            here = self.location(node)
            if right.known and isinstance(right.raw, tuple):
                entries = tuple(
                    Value(e.raw, e.location, left.provenance, left.env_var, e.description, (here, *e.related))
                    if e.known
                    else e
                    for e in right.raw
                )
                right = Value(
                    type(right.raw)(entries) if isinstance(right.raw, ListItems) else entries,
                    right.location,
                    right.provenance,
                    right.env_var,
                    right.description,
                    right.related,
                )
            return as_env_default(right, left.env_var, here, left.provenance)
        if left.known:
            return left if left.raw else self.resolve(values[-1], scope)
        return self.unknown(node)

    def _resolve_comparison(self, node: ast.Compare, scope: Scope) -> Value:
        """`os.getenv("DEBUG", "") == "1"`: decided when both sides are known plain values."""
        left = _as_none(self.resolve(node.left, scope))
        right = _as_none(self.resolve(node.comparators[0], scope))
        if not (left.known and right.known):
            return self.unknown(node)
        try:
            a, b = left.plain(), right.plain()
        except UnresolvedValueError:
            return self.unknown(node)
        operator = node.ops[0]
        result: bool
        if isinstance(operator, ast.Eq):
            result = a == b
        elif isinstance(operator, ast.NotEq):
            result = a != b
        elif type(operator) in _ORDERINGS and (
            (is_number(a) and is_number(b)) or (isinstance(a, str) and isinstance(b, str))
        ):
            result = _ORDERINGS[type(operator)](a, b)
        elif isinstance(operator, (ast.Is, ast.IsNot)) and (a is None or b is None or isinstance(a, bool)):
            # only the identities Python guarantees: None, True, False
            result = (a is b) == isinstance(operator, ast.Is)
        elif (
            isinstance(operator, (ast.In, ast.NotIn))
            and isinstance(b, (str, tuple))
            and (isinstance(b, tuple) or isinstance(a, str))
        ):
            result = (a in b) == isinstance(operator, ast.In)
        else:
            return self.unknown(node)
        provenance = weaker(left.provenance, right.provenance)
        return Value(result, self.location(node), provenance, left.env_var or right.env_var)

    def _resolve_fstring(self, node: ast.JoinedStr, scope: Scope) -> Value:
        parts: list[str] = []
        env_var = None
        provenance = Provenance.LITERAL
        for part in node.values:
            if isinstance(part, ast.Constant) and isinstance(part.value, str):
                parts.append(part.value)
                continue
            if not isinstance(part, ast.FormattedValue):
                return self.unknown(node)
            value = self.resolve(part.value, scope)
            spec = self.resolve(part.format_spec, scope) if part.format_spec is not None else None
            if (
                not value.known
                or not isinstance(value.raw, (str, int, float))
                or (spec is not None and not (spec.known and isinstance(spec.raw, str)))
            ):
                return self.unknown(node)
            raw = _CONVERSIONS[part.conversion](value.raw) if part.conversion in _CONVERSIONS else value.raw
            try:
                parts.append(format(raw, spec.raw if spec is not None else ""))
            except (TypeError, ValueError):
                return self.unknown(node)
            env_var = env_var or value.env_var
            provenance = weaker(provenance, value.provenance)
        return Value("".join(parts), self.location(node), provenance, env_var)

    def _resolve_sequence(self, node: ast.List | ast.Tuple | ast.Set, scope: Scope) -> Value:
        items: list[Value] = []
        provenance = Provenance.LITERAL
        for element in node.elts:
            if isinstance(element, ast.Starred):
                inner = self.resolve(element.value, scope)
                if not inner.known or not isinstance(inner.raw, tuple):
                    return self.unknown(node)
                items.extend(inner.raw)
                continue
            items.append(self.resolve(element, scope))
        for item in items:
            provenance = weaker(provenance, item.provenance) if item.known else provenance
        return Value(
            ListItems(items) if isinstance(node, ast.List) else tuple(items), self.location(node), provenance
        )

    def _resolve_dict(self, node: ast.Dict, scope: Scope) -> Value:
        result: dict[Any, Value] = {}
        for key_node, value_node in zip(node.keys, node.values, strict=True):
            if key_node is None:  # `**other`
                inner = self.resolve(value_node, scope)
                if not inner.known or not isinstance(inner.raw, dict):
                    return self.unknown(node)
                result.update(inner.raw)
                continue
            key = self.resolve(key_node, scope)
            if not key.known or not isinstance(key.raw, (str, int, bool)):
                return self.unknown(node)
            result[key.raw] = self.resolve(value_node, scope)
        return Value(result, self.location(node))

    def _resolve_binary(self, node: ast.BinOp, scope: Scope) -> Value:
        left = self.resolve(node.left, scope)
        right = self.resolve(node.right, scope)
        combined = self.combine(node.op, left, right, self.location(node))
        return combined if combined.known or isinstance(combined.raw, FileRef) else self.unknown(node)

    def combine(self, op: ast.operator, left: Value, right: Value, location: Location) -> Value:
        """`left OP right` for the operators that build CORS values (`+` of lists and
        strings, arithmetic of numbers, `|` of flags); unknown otherwise."""
        unknown = Value(None, location, Provenance.UNKNOWN)
        if (
            isinstance(op, ast.Div)
            and isinstance(left.raw, FileRef)
            and isinstance(right.raw, (str, FileRef))
        ):
            tail = right.raw if isinstance(right.raw, str) else right.raw.path
            return Value(
                FileRef(os.path.join(left.raw.path, tail)), location, Provenance.UNKNOWN, description=tail
            )
        if not (left.known and right.known):
            return unknown
        provenance = weaker(left.provenance, right.provenance)
        env_var = left.env_var or right.env_var
        if isinstance(op, ast.Add):
            if isinstance(left.raw, str) and isinstance(right.raw, str):
                return Value(left.raw + right.raw, location, provenance, env_var)
            if isinstance(left.raw, tuple) and isinstance(right.raw, tuple):
                return Value(left.raw + right.raw, location, provenance, env_var)
            if is_number(left.raw) and is_number(right.raw):
                return Value(left.raw + right.raw, location, provenance, env_var)
        if isinstance(op, ast.Mult) and is_number(left.raw) and is_number(right.raw):
            return Value(left.raw * right.raw, location, provenance, env_var)
        if isinstance(op, ast.BitOr) and isinstance(left.raw, int) and isinstance(right.raw, int):
            return Value(left.raw | right.raw, location, provenance, env_var)
        return unknown

    def _resolve_comprehension(
        self, node: ast.ListComp | ast.GeneratorExp | ast.SetComp, scope: Scope
    ) -> Value:
        if len(node.generators) != 1:
            return self.unknown(node)
        clause = node.generators[0]
        if clause.is_async or not isinstance(clause.target, ast.Name):
            return self.unknown(node)
        iterable = self.resolve(clause.iter, scope)
        if not iterable.known or not isinstance(iterable.raw, tuple):
            return self.unknown(node)
        items: list[Value] = []
        for item in iterable.raw:
            inner = Scope({**scope.names, clause.target.id: item}, scope.depth)
            # `[o.strip() for o in raw.split(",") if o]`: each filter must be decidable
            tests = [self.resolve(condition, inner) for condition in clause.ifs]
            if any(not test.known for test in tests):
                # `[o for o in origins if o]` over an unset variable: the entry may be
                # dropped or kept, so it is an unknown entry; the known ones stay judged
                items.append(item if not item.known else self.unknown(node.elt))
                continue
            if not all(test.raw for test in tests):
                continue
            if isinstance(node.elt, ast.Name) and node.elt.id == clause.target.id and item.known:
                # `[o for o in origins if o]`: the entry kept is the item, where it is written
                chosen = self.location(node)
                related = item.related if chosen in item.related else (*item.related, chosen)
                items.append(
                    Value(item.raw, item.location, item.provenance, item.env_var, item.description, related)
                )
                continue
            produced = self.resolve(node.elt, inner)
            if _reshapes(node.elt, clause.target.id, produced, item):
                # `str(origin).rstrip("/")`: the entry is still the one written where the item is
                produced = Value(
                    produced.raw,
                    item.location,
                    weaker(produced.provenance, item.provenance),
                    produced.env_var or item.env_var,
                    produced.description,
                    item.related,
                )
            if produced.known and produced.env_var is None and item.env_var is not None:
                produced = as_env_default(produced, item.env_var, produced.location, item.provenance)
            items.append(produced)
        made = ListItems(items) if isinstance(node, ast.ListComp) else tuple(items)
        return Value(
            made, self.location(node), iterable.provenance, iterable.env_var, related=iterable.related
        )

    # -- resolved by the subclass, which knows the project -----------------------------
    def _resolve_name(self, node: ast.Name, scope: Scope) -> Value:
        raise NotImplementedError

    def _resolve_attribute(self, node: ast.Attribute, scope: Scope) -> Value:
        raise NotImplementedError

    def _resolve_call(self, node: ast.Call, scope: Scope) -> Value:
        raise NotImplementedError


_ORDERINGS: dict[type[ast.cmpop], Callable[[Any, Any], bool]] = {
    ast.Lt: lambda a, b: bool(a < b),
    ast.LtE: lambda a, b: bool(a <= b),
    ast.Gt: lambda a, b: bool(a > b),
    ast.GtE: lambda a, b: bool(a >= b),
}
# f-string conversions by their code point: !s !r !a
_CONVERSIONS: dict[int, Callable[[object], str]] = {ord("s"): str, ord("r"): repr, ord("a"): ascii}


_RESHAPING_BUILTINS = frozenset({"str"})


def _reshapes(element: ast.expr, target: str, produced: Value, item: Value) -> bool:
    """Whether a comprehension's element only reshapes the item's text (`o.strip()`,
    `str(o).rstrip("/")`), so the entry it yields is the item, written where the item is."""
    if not (produced.known and item.known and isinstance(produced.raw, str) and isinstance(item.raw, str)):
        return False
    if isinstance(element, ast.Name):
        return False  # the item itself, already where it was written
    names = {n.id for n in ast.walk(element) if isinstance(n, ast.Name)}
    return target in names and names <= {target, *_RESHAPING_BUILTINS}


def _as_none(value: Value) -> Value:
    """An unset variable as the None it reads as while unset (for comparisons and tests)."""
    if not is_unset_read(value):
        return value
    return Value(None, value.location, Provenance.ENV_DEFAULT, value.env_var, related=value.related)


def _item(item: Value, container: Value) -> Value:
    """An entry taken out of a container keeps where it was written; from an environment
    default, it remains one."""
    if item.env_var is None and container.env_var is not None and item.known:
        return Value(
            item.raw, item.location, container.provenance, container.env_var, item.description, item.related
        )
    return item
