"""Expressions resolved to values: literals, containers, operators, f-strings and
comprehensions. Names, attributes and calls can lead to other modules: `PythonModule`
resolves those."""

from __future__ import annotations

import ast
from typing import Any

from corslint.extractors.python.scope import EMPTY_SCOPE, MAX_DEPTH, Scope
from corslint.extractors.python.source import ModuleSource
from corslint.extractors.python.values import as_env_default, is_number, weaker
from corslint.model import FunctionValue, Provenance, Regex, UnresolvedValueError, Value


class ExpressionResolver(ModuleSource):
    """Value resolution of the expressions that need nothing outside the module."""

    # -- value resolution -------------------------------------------------------------
    def unknown(self, node: ast.AST, why: str = "") -> Value:
        text = self.source(node).strip()
        if len(text) > 80:
            text = text[:77] + "..."
        return Value(None, self.location(node), Provenance.UNKNOWN, description=why or text)

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
            operand = self.resolve(node.operand, scope)
            if operand.known and not isinstance(operand.raw, (Regex, FunctionValue)):
                return Value(not operand.raw, self.location(node), operand.provenance, operand.env_var)
            return self.unknown(node)
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
        return self.unknown(node)

    def _resolve_or(self, node: ast.BoolOp, values: list[ast.expr], scope: Scope) -> Value:
        """`os.getenv("X") or "default"`: the right side is what an unset variable gives."""
        if len(values) == 1:
            return self.resolve(values[0], scope)
        left = self._resolve_or(node, values[:-1], scope)
        if not left.known and left.env_var is not None:
            right = self.resolve(values[-1], scope)
            return as_env_default(right, left.env_var, self.location(node))
        if left.known:
            return left if left.raw else self.resolve(values[-1], scope)
        return self.unknown(node)

    def _resolve_comparison(self, node: ast.Compare, scope: Scope) -> Value:
        """`os.getenv("DEBUG", "") == "1"`: decided when both sides are known plain values."""
        left = self.resolve(node.left, scope)
        right = self.resolve(node.comparators[0], scope)
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
            if not isinstance(part, ast.FormattedValue) or part.format_spec or part.conversion != -1:
                return self.unknown(node)
            value = self.resolve(part.value, scope)
            if not value.known or not isinstance(value.raw, (str, int)):
                return self.unknown(node)
            parts.append(str(value.raw))
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
        return Value(tuple(items), self.location(node), provenance)

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
        if not (left.known and right.known):
            return self.unknown(node)
        provenance = weaker(left.provenance, right.provenance)
        env_var = left.env_var or right.env_var
        location = self.location(node)
        if isinstance(node.op, ast.Add):
            if isinstance(left.raw, str) and isinstance(right.raw, str):
                return Value(left.raw + right.raw, location, provenance, env_var)
            if isinstance(left.raw, tuple) and isinstance(right.raw, tuple):
                return Value(left.raw + right.raw, location, provenance, env_var)
            if is_number(left.raw) and is_number(right.raw):
                return Value(left.raw + right.raw, location, provenance, env_var)
        if isinstance(node.op, ast.Mult) and is_number(left.raw) and is_number(right.raw):
            return Value(left.raw * right.raw, location, provenance, env_var)
        if isinstance(node.op, ast.BitOr) and isinstance(left.raw, int) and isinstance(right.raw, int):
            return Value(left.raw | right.raw, location, provenance, env_var)
        return self.unknown(node)

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
                return self.unknown(node)
            if not all(test.raw for test in tests):
                continue
            produced = self.resolve(node.elt, inner)
            if produced.known and produced.env_var is None and item.env_var is not None:
                produced = as_env_default(produced, item.env_var, produced.location, item.provenance)
            items.append(produced)
        return Value(
            tuple(items), self.location(node), iterable.provenance, iterable.env_var, related=iterable.related
        )

    # -- resolved by the subclass, which knows the project -----------------------------
    def _resolve_name(self, node: ast.Name, scope: Scope) -> Value:
        raise NotImplementedError

    def _resolve_attribute(self, node: ast.Attribute, scope: Scope) -> Value:
        raise NotImplementedError

    def _resolve_call(self, node: ast.Call, scope: Scope) -> Value:
        raise NotImplementedError
