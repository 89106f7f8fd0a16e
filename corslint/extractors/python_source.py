"""Python source read with libcst: positions, imports, and static value resolution.

Nothing here imports or executes the code it reads. A value is resolved only when it
is certain (a literal, a module constant bound once, simple arithmetic on those, an
environment read with a default, a settings-class default); anything else becomes an
UNKNOWN `Value` that carries the source text, so CORS305 can name it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from corslint.model import (
    FunctionValue,
    Location,
    Provenance,
    Regex,
    SourceError,
    UnresolvedValueError,
    Value,
)

MAX_DEPTH = 40  # resolution steps through names and calls before giving up

ENV_GETTERS = frozenset({"os.getenv", "os.environ.get", "os.environ.setdefault"})
_RE_FLAGS = {
    "IGNORECASE": "i",
    "I": "i",
    "MULTILINE": "m",
    "M": "m",
    "DOTALL": "s",
    "S": "s",
    "VERBOSE": "x",
    "X": "x",
    "ASCII": "a",
    "A": "a",
}


class PythonParseError(SourceError):
    """Python that libcst cannot parse."""


def parse_python(text: str) -> cst.Module:
    try:
        return cst.parse_module(text)
    except cst.ParserSyntaxError as error:
        line, column, detail = error.editor_line, error.editor_column, error.message.split(": ")[-1]
        located = _syntax_error_position(text)
        if located is not None:  # CPython's parser names the line; libcst's tokenizer does not
            line, column, detail = located
        raise PythonParseError(
            f"invalid Python syntax: {detail} (line {line}, column {column})", line, column
        ) from None
    except RecursionError:
        raise PythonParseError("expression nested too deeply to parse") from None


def _syntax_error_position(text: str) -> tuple[int, int, str] | None:
    """Where CPython's own parser (compiling only, never running) locates the error."""
    import ast

    try:
        ast.parse(text)
    except SyntaxError as error:
        return error.lineno or 1, error.offset or 1, error.msg
    except (RecursionError, MemoryError, ValueError):
        return None
    return None


# A hook lets an extractor teach the resolver a call it knows (django-environ's
# env.list, python-decouple's config ...). It returns None when the call is not its own.
CallHook = Callable[["PythonModule", cst.Call, str, "Scope"], "Value | None"]
CALL_HOOKS: list[CallHook] = []  # extractors register theirs when imported


@dataclass(frozen=True)
class Scope:
    """Local names bound while resolving (comprehension variables)."""

    names: Mapping[str, Value]
    depth: int = 0

    def deeper(self) -> Scope:
        return Scope(self.names, self.depth + 1)


EMPTY_SCOPE = Scope({})


class PythonModule:
    """One parsed Python file with what value resolution needs from it."""

    def __init__(self, path: str, text: str, project: PythonProject | None = None) -> None:
        self.path = path
        self.text = text
        self.project = project
        self.module = parse_python(text)
        wrapper = MetadataWrapper(self.module, unsafe_skip_copy=True)
        self._positions: Mapping[cst.CSTNode, CodeRange] = wrapper.resolve(PositionProvider)
        self.imports: dict[str, str] = {}  # local name -> qualified name
        self.star_imports: list[str] = []  # qualified module names of `from X import *`
        self.assignments: dict[str, list[tuple[cst.CSTNode, cst.BaseExpression]]] = {}
        self.classes: dict[str, cst.ClassDef] = {}
        self._collect()

    # -- positions ---------------------------------------------------------------
    def location(self, node: cst.CSTNode) -> Location:
        span = self._positions[node]
        return Location(self.path, span.start.line, span.start.column + 1, span.end.line, span.end.column + 1)

    def source(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)

    # -- module-level bindings -----------------------------------------------------
    def _collect(self) -> None:
        for statement in self.module.body:
            self._collect_statement(statement)

    def _collect_statement(self, statement: cst.CSTNode) -> None:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Import):
                    for alias in small.names:
                        dotted = _dotted(alias.name)
                        if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                            self.imports[alias.asname.name.value] = dotted
                        else:
                            top = dotted.split(".")[0]
                            self.imports[top] = top
                elif isinstance(small, cst.ImportFrom):
                    base = self._import_base(small)
                    if isinstance(small.names, cst.ImportStar):
                        self.star_imports.append(base)
                        continue
                    for alias in small.names:
                        name = _dotted(alias.name)
                        local = name
                        if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                            local = alias.asname.name.value
                        # `from . import views` -> ".views", not "..views"
                        joined = f"{base}{name}" if base.endswith(".") else f"{base}.{name}"
                        self.imports[local] = joined if base else name
                elif isinstance(small, cst.Assign):
                    for target in small.targets:
                        if isinstance(target.target, cst.Name):
                            self.assignments.setdefault(target.target.value, []).append(
                                (target.target, small.value)
                            )
                elif isinstance(small, cst.AnnAssign) and small.value is not None:
                    if isinstance(small.target, cst.Name):
                        self.assignments.setdefault(small.target.value, []).append(
                            (small.target, small.value)
                        )
                elif isinstance(small, cst.AugAssign) and isinstance(small.target, cst.Name):
                    # `X += [...]` rebinds X: it is no longer a constant we can trust
                    self.assignments.setdefault(small.target.value, []).append((small.target, small.value))
                    self.assignments[small.target.value].append((small.target, small.value))
        elif isinstance(statement, cst.ClassDef):
            self.classes[statement.name.value] = statement
        elif isinstance(statement, (cst.If, cst.Try)):
            # Bindings under a condition are two candidate values: never a constant.
            for name in _bound_names(statement):
                self.assignments.setdefault(name, []).append((statement, cst.Name("None")))
                self.assignments[name].append((statement, cst.Name("None")))

    def _import_base(self, node: cst.ImportFrom) -> str:
        module = _dotted(node.module) if node.module is not None else ""
        dots = len(node.relative)
        if not dots:
            return module
        return "." * dots + module

    def qualified_name(self, node: cst.BaseExpression) -> str | None:
        """`cors.CORSMiddleware` -> `fastapi.middleware.cors.CORSMiddleware`, by the imports."""
        if isinstance(node, cst.Name):
            return self.imports.get(node.value, node.value)
        if isinstance(node, cst.Attribute):
            base = self.qualified_name(node.value)
            return f"{base}.{node.attr.value}" if base else None
        return None

    def binding(self, name: str) -> tuple[cst.CSTNode, cst.BaseExpression] | None:
        """The single module-level binding of `name`, or None when there are none or several."""
        bound = self.assignments.get(name)
        if bound is None or len(bound) != 1:
            return None
        return bound[0]

    # -- value resolution -------------------------------------------------------------
    def unknown(self, node: cst.CSTNode, why: str = "") -> Value:
        text = self.source(node).strip()
        if len(text) > 80:
            text = text[:77] + "..."
        return Value(None, self.location(node), Provenance.UNKNOWN, description=why or text)

    def resolve(self, node: cst.BaseExpression, scope: Scope = EMPTY_SCOPE) -> Value:
        if scope.depth > MAX_DEPTH:
            return self.unknown(node)
        try:
            return self._resolve(node, scope.deeper())
        except RecursionError:
            return self.unknown(node)

    def _resolve(self, node: cst.BaseExpression, scope: Scope) -> Value:
        location = self.location(node)
        if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
            evaluated = node.evaluated_value
            if isinstance(evaluated, bytes):
                return self.unknown(node)
            if evaluated is None:
                return self.unknown(node)
            return Value(evaluated, location)
        if isinstance(node, cst.FormattedString):
            return self._resolve_fstring(node, scope)
        if isinstance(node, cst.Integer):
            return Value(int(node.value.replace("_", ""), 0), location)
        if isinstance(node, cst.Float):
            return Value(float(node.value.replace("_", "")), location)
        if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Not):
            operand = self.resolve(node.expression, scope)
            if operand.known and not isinstance(operand.raw, (Regex, FunctionValue)):
                return Value(not operand.raw, location, operand.provenance, operand.env_var)
            return self.unknown(node)
        if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
            inner = self.resolve(node.expression, scope)
            if inner.known and isinstance(inner.raw, (int, float)) and not isinstance(inner.raw, bool):
                return Value(
                    -inner.raw, location, _merge(inner.provenance), inner.env_var, related=inner.related
                )
            return self.unknown(node)
        if isinstance(node, cst.Name):
            return self._resolve_name(node, scope)
        if isinstance(node, (cst.List, cst.Tuple, cst.Set)):
            return self._resolve_sequence(node, scope)
        if isinstance(node, cst.Dict):
            return self._resolve_dict(node, scope)
        if isinstance(node, cst.BinaryOperation):
            return self._resolve_binary(node, scope)
        if isinstance(node, cst.Call):
            return self._resolve_call(node, scope)
        if isinstance(node, cst.Attribute):
            return self._resolve_attribute(node, scope)
        if isinstance(node, (cst.ListComp, cst.GeneratorExp, cst.SetComp)):
            return self._resolve_comprehension(node, scope)
        if isinstance(node, cst.Comparison) and len(node.comparisons) == 1:
            return self._resolve_comparison(node, scope)
        if isinstance(node, cst.BooleanOperation) and isinstance(node.operator, cst.Or):
            # `os.getenv("X") or "default"`: the right side is what an unset variable gives
            left = self.resolve(node.left, scope)
            if not left.known and left.env_var is not None:
                right = self.resolve(node.right, scope)
                return _as_env_default(right, left.env_var, location)
            if left.known:
                return left if left.raw else self.resolve(node.right, scope)
            return self.unknown(node)
        return self.unknown(node)

    def _resolve_comparison(self, node: cst.Comparison, scope: Scope) -> Value:
        """`os.getenv("DEBUG", "") == "1"`: decided when both sides are known plain values."""
        target = node.comparisons[0]
        left = self.resolve(node.left, scope)
        right = self.resolve(target.comparator, scope)
        if not (left.known and right.known):
            return self.unknown(node)
        try:
            a, b = left.plain(), right.plain()
        except UnresolvedValueError:
            return self.unknown(node)
        operator = target.operator
        result: bool
        if isinstance(operator, cst.Equal):
            result = a == b
        elif isinstance(operator, cst.NotEqual):
            result = a != b
        elif (
            isinstance(operator, (cst.In, cst.NotIn))
            and isinstance(b, (str, tuple))
            and (isinstance(b, tuple) or isinstance(a, str))
        ):
            result = (a in b) == isinstance(operator, cst.In)
        else:
            return self.unknown(node)
        provenance = _weaker(left.provenance, right.provenance)
        return Value(result, self.location(node), provenance, left.env_var or right.env_var)

    def _resolve_fstring(self, node: cst.FormattedString, scope: Scope) -> Value:
        parts: list[str] = []
        env_var = None
        provenance = Provenance.LITERAL
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                parts.append(part.value)
                continue
            assert isinstance(part, cst.FormattedStringExpression)
            if part.format_spec or part.conversion:
                return self.unknown(node)
            value = self.resolve(part.expression, scope)
            if not value.known or not isinstance(value.raw, (str, int)):
                return self.unknown(node)
            parts.append(str(value.raw))
            env_var = env_var or value.env_var
            provenance = _weaker(provenance, value.provenance)
        return Value("".join(parts), self.location(node), provenance, env_var)

    def _resolve_name(self, node: cst.Name, scope: Scope) -> Value:
        location = self.location(node)
        if node.value in scope.names:
            inner = scope.names[node.value]
            return _moved(inner, location)
        if node.value in {"True", "False", "None"}:
            return Value({"True": True, "False": False, "None": None}[node.value], location)
        bound = self.binding(node.value)
        if bound is not None:
            target, expression = bound
            inner = self.resolve(expression, scope)
            return _moved(inner, location, self.location(target))
        imported = self.imports.get(node.value)
        if imported is not None and self.project is not None:
            found = self.project.lookup(self, imported)
            if found is not None:
                module, name = found
                imported_value = module.resolve_name(name, scope)
                if imported_value is not None:
                    return _moved(imported_value, location)
        starred = self._star_resolve(node.value, scope)
        if starred is not None:
            return _moved(starred, location)
        return self.unknown(node)

    def resolve_name(self, name: str, scope: Scope = EMPTY_SCOPE) -> Value | None:
        """A module-level name's value as seen from another module, or None if unbound."""
        bound = self.binding(name)
        if bound is not None:
            target, expression = bound
            return _moved(self.resolve(expression, scope), self.location(target), self.location(target))
        if name in self.imports and self.project is not None:
            found = self.project.lookup(self, self.imports[name])
            if found is not None and found[0] is not self:
                return found[0].resolve_name(found[1], scope.deeper())
        return self._star_resolve(name, scope)

    def star_modules(self) -> list[PythonModule]:
        """The in-tree modules this one star-imports, last import first (it wins)."""
        found: list[PythonModule] = []
        if self.project is None:
            return found
        for qualified in reversed(self.star_imports):
            path = self.project.find_module(self, qualified)
            if path is None:
                continue
            module = self.project.module_at(path, _display_path(self.path, path))
            if module is not None and module is not self:
                found.append(module)
        return found

    def _star_resolve(self, name: str, scope: Scope) -> Value | None:
        """A name bound nowhere here, looked up through `from X import *` (never `_private`)."""
        if (
            name.startswith("_")
            or name in self.assignments
            or name in self.imports
            or scope.depth > MAX_DEPTH
        ):
            return None
        for module in self.star_modules():
            inner = module.resolve_name(name, scope.deeper())
            if inner is not None:
                return inner
        return None

    def find_binding(self, name: str, depth: int = 0) -> tuple[PythonModule, cst.BaseExpression] | None:
        """The expression `name` is bound to here or through star imports, if bound once."""
        if depth > MAX_DEPTH:
            return None
        bound = self.binding(name)
        if bound is not None:
            return self, bound[1]
        if name in self.assignments or name in self.imports or name.startswith("_"):
            return None
        for module in self.star_modules():
            found = module.find_binding(name, depth + 1)
            if found is not None:
                return found
        return None

    def _resolve_sequence(self, node: cst.List | cst.Tuple | cst.Set, scope: Scope) -> Value:
        items: list[Value] = []
        provenance = Provenance.LITERAL
        for element in node.elements:
            if isinstance(element, cst.StarredElement):
                inner = self.resolve(element.value, scope)
                if not inner.known or not isinstance(inner.raw, tuple):
                    return self.unknown(node)
                items.extend(inner.raw)
                continue
            items.append(self.resolve(element.value, scope))
        for item in items:
            provenance = _weaker(provenance, item.provenance) if item.known else provenance
        return Value(tuple(items), self.location(node), provenance)

    def _resolve_dict(self, node: cst.Dict, scope: Scope) -> Value:
        result: dict[Any, Value] = {}
        for element in node.elements:
            if isinstance(element, cst.StarredDictElement):
                inner = self.resolve(element.value, scope)
                if not inner.known or not isinstance(inner.raw, dict):
                    return self.unknown(node)
                result.update(inner.raw)
                continue
            assert isinstance(element, cst.DictElement)
            key = self.resolve(element.key, scope)
            if not key.known or not isinstance(key.raw, (str, int, bool)):
                return self.unknown(node)
            result[key.raw] = self.resolve(element.value, scope)
        return Value(result, self.location(node))

    def _resolve_binary(self, node: cst.BinaryOperation, scope: Scope) -> Value:
        left = self.resolve(node.left, scope)
        right = self.resolve(node.right, scope)
        if not (left.known and right.known):
            return self.unknown(node)
        provenance = _weaker(left.provenance, right.provenance)
        env_var = left.env_var or right.env_var
        location = self.location(node)
        if isinstance(node.operator, cst.Add):
            if isinstance(left.raw, str) and isinstance(right.raw, str):
                return Value(left.raw + right.raw, location, provenance, env_var)
            if isinstance(left.raw, tuple) and isinstance(right.raw, tuple):
                return Value(left.raw + right.raw, location, provenance, env_var)
            if _is_number(left.raw) and _is_number(right.raw):
                return Value(left.raw + right.raw, location, provenance, env_var)
        if isinstance(node.operator, cst.Multiply) and _is_number(left.raw) and _is_number(right.raw):
            return Value(left.raw * right.raw, location, provenance, env_var)
        if isinstance(node.operator, cst.BitOr) and isinstance(left.raw, int) and isinstance(right.raw, int):
            return Value(left.raw | right.raw, location, provenance, env_var)
        return self.unknown(node)

    def _resolve_attribute(self, node: cst.Attribute, scope: Scope) -> Value:
        qualified = self.qualified_name(node)
        if qualified is not None and qualified.startswith("re.") and qualified[3:] in _RE_FLAGS:
            return Value(_RE_FLAG_BITS[_RE_FLAGS[qualified[3:]]], self.location(node))
        # settings.X where settings = Settings() and Settings declares X with a default
        settings_class = self._instance_class(node.value)
        if settings_class is not None:
            module, class_def = settings_class
            field = module.class_field(class_def, node.attr.value, scope)
            if field is not None:
                return _moved(field, self.location(node))
        # module.X for an in-tree module imported as a whole (`from app import config`)
        if qualified is not None and self.project is not None and "." in qualified:
            found = self.project.lookup(self, qualified)
            if found is not None:
                module, name = found
                inner = module.resolve_name(name, scope)
                if inner is not None:
                    return _moved(inner, self.location(node))
        return self.unknown(node)

    def _instance_class(self, node: cst.BaseExpression) -> tuple[PythonModule, cst.ClassDef] | None:
        """The class of `node` when it is a module-level `x = SomeClass()` (here or imported)."""
        if isinstance(node, cst.Call):
            return self.class_named(node.func)
        if not isinstance(node, cst.Name):
            return None
        bound = self.binding(node.value)
        if bound is not None:
            expression = bound[1]
            if isinstance(expression, cst.Call):
                return self.class_named(expression.func)
            return None
        imported = self.imports.get(node.value)
        if imported is not None and self.project is not None:
            found = self.project.lookup(self, imported)
            if found is not None and found[0] is not self:
                return found[0]._instance_class(cst.Name(found[1]))
        return None

    def class_named(self, node: cst.BaseExpression) -> tuple[PythonModule, cst.ClassDef] | None:
        if isinstance(node, cst.Name):
            if node.value in self.classes:
                return self, self.classes[node.value]
            imported = self.imports.get(node.value)
            if imported is not None and self.project is not None:
                found = self.project.lookup(self, imported)
                if found is not None and found[0] is not self:
                    return found[0].class_named(cst.Name(found[1]))
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "lru_cache":
            return None
        return None

    def class_field(self, class_def: cst.ClassDef, name: str, scope: Scope) -> Value | None:
        """A class attribute's default; for pydantic settings, the environment can override it."""
        is_settings = any(
            (self.qualified_name(base.value) or "").endswith("BaseSettings") for base in class_def.bases
        )
        for statement in class_def.body.body:
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                target: cst.BaseExpression | None = None
                value: cst.BaseExpression | None = None
                if isinstance(small, cst.AnnAssign):
                    target, value = small.target, small.value
                elif isinstance(small, cst.Assign) and len(small.targets) == 1:
                    target, value = small.targets[0].target, small.value
                if not (isinstance(target, cst.Name) and target.value == name and value is not None):
                    continue
                value = _field_default(value)
                if value is None:
                    return self.unknown(target, f"{class_def.name.value}.{name} (no default)")
                resolved = self.resolve(value, scope)
                if isinstance(small, cst.AnnAssign) and _URL_TYPE.search(
                    self.source(small.annotation.annotation)
                ):
                    resolved = _as_pydantic_urls(resolved)
                if is_settings and resolved.known:
                    return _as_env_default(resolved, name, self.location(target), Provenance.SETTINGS_DEFAULT)
                return _moved(resolved, self.location(target), self.location(target))
        for base in class_def.bases:
            found = self.class_named(base.value)
            if found is not None and found[1] is not class_def:
                return found[0].class_field(found[1], name, scope.deeper())
        return None

    def _resolve_comprehension(
        self, node: cst.ListComp | cst.GeneratorExp | cst.SetComp, scope: Scope
    ) -> Value:
        clause = node.for_in
        if clause.inner_for_in is not None or not isinstance(clause.target, cst.Name):
            return self.unknown(node)
        iterable = self.resolve(clause.iter, scope)
        if not iterable.known or not isinstance(iterable.raw, tuple):
            return self.unknown(node)
        items: list[Value] = []
        for item in iterable.raw:
            inner = Scope({**scope.names, clause.target.value: item}, scope.depth)
            # `[o.strip() for o in raw.split(",") if o]`: each filter must be decidable
            tests = [self.resolve(condition.test, inner) for condition in clause.ifs]
            if any(not test.known for test in tests):
                return self.unknown(node)
            if not all(test.raw for test in tests):
                continue
            produced = self.resolve(node.elt, inner)
            if produced.known and produced.env_var is None and item.env_var is not None:
                produced = _as_env_default(produced, item.env_var, produced.location, item.provenance)
            items.append(produced)
        return Value(
            tuple(items), self.location(node), iterable.provenance, iterable.env_var, related=iterable.related
        )

    def _resolve_call(self, node: cst.Call, scope: Scope) -> Value:
        location = self.location(node)
        qualified = self.qualified_name(node.func) or ""
        for hook in CALL_HOOKS:
            hooked = hook(self, node, qualified, scope)
            if hooked is not None:
                return hooked
        args = [arg for arg in node.args if arg.keyword is None and arg.star == ""]
        keywords = {arg.keyword.value: arg.value for arg in node.args if arg.keyword is not None}
        if qualified in ENV_GETTERS or qualified.endswith(".getenv"):
            return self.env_read(
                node,
                args[0].value if args else None,
                args[1].value if len(args) > 1 else keywords.get("default"),
                scope,
            )
        if qualified == "json.loads" and len(args) == 1 and not keywords:
            # `json.loads(os.getenv("CORS_ORIGINS", '["https://a.example"]'))`
            text = self.resolve(args[0].value, scope)
            if not text.known or not isinstance(text.raw, str):
                return self.unknown(node)
            try:
                decoded = json.loads(text.raw)
            except ValueError:
                return self.unknown(node, f"{self.source(node)} (not valid JSON)")
            return _from_json(decoded, location, text)
        if qualified in {"re.compile"} and args:
            pattern = self.resolve(args[0].value, scope)
            flags = (
                self.resolve(args[1].value, scope)
                if len(args) > 1
                else (self.resolve(keywords["flags"], scope) if "flags" in keywords else None)
            )
            if not pattern.known or not isinstance(pattern.raw, str):
                return self.unknown(node)
            if flags is not None and (not flags.known or not isinstance(flags.raw, int)):
                return self.unknown(node)
            letters = "".join(
                letter for letter, bit in _RE_FLAG_BITS.items() if flags is not None and flags.raw & bit
            )
            return Value(Regex(pattern.raw, letters), location, pattern.provenance, pattern.env_var)
        if isinstance(node.func, cst.Attribute):
            receiver = self.resolve(node.func.value, scope)
            method = node.func.attr.value
            if receiver.known:
                result = _string_method(
                    receiver, method, [self.resolve(a.value, scope) for a in args], location
                )
                if result is not None:
                    return result
            return self.unknown(node)
        if isinstance(node.func, cst.Name) and node.func.value == "filter" and len(args) == 2:
            # filter(None, values): drops the empty strings a split of "" or "a,,b" leaves
            if not (isinstance(args[0].value, cst.Name) and args[0].value.value == "None"):
                return self.unknown(node)
            inner = self.resolve(args[1].value, scope)
            if not inner.known or not isinstance(inner.raw, tuple) or any(not v.known for v in inner.raw):
                return self.unknown(node)
            kept = tuple(v for v in inner.raw if v.raw)
            return Value(kept, location, inner.provenance, inner.env_var, inner.description, inner.related)
        if (
            isinstance(node.func, cst.Name)
            and node.func.value in {"str", "list", "tuple", "set", "frozenset", "int", "bool", "sorted"}
            and len(args) == 1
        ):
            inner = self.resolve(args[0].value, scope)
            converted = _convert(node.func.value, inner, location)
            return converted if converted is not None else self.unknown(node)
        if qualified.endswith("AnyHttpUrl") or qualified.endswith("HttpUrl"):
            return self.resolve(args[0].value, scope) if args else self.unknown(node)
        return self.unknown(node)

    def env_read(
        self,
        call: cst.Call,
        name_node: cst.BaseExpression | None,
        default_node: cst.BaseExpression | None,
        scope: Scope,
    ) -> Value:
        """An environment read: its default when the variable is unset, else unknown."""
        name = self.resolve(name_node, scope) if name_node is not None else None
        env_var = name.raw if name is not None and name.known and isinstance(name.raw, str) else None
        if default_node is None:
            why = f"environment variable {env_var} (no default)" if env_var else self.source(call)
            return Value(None, self.location(call), Provenance.UNKNOWN, env_var, description=why)
        default = self.resolve(default_node, scope)
        if not default.known:
            return default
        return _as_env_default(default, env_var or "the variable", self.location(call))


_RE_FLAG_BITS = {"i": 2, "m": 8, "s": 16, "x": 64, "a": 256}


_URL_TYPE = re.compile(r"\b(AnyHttpUrl|HttpUrl|AnyUrl)\b")


def _pydantic_url(text: str) -> str | None:
    """`str()` of the pydantic URL a string validates to: lower-case host, no default
    port, and a `/` path when there was none (the trailing slash that breaks CORS lists)."""
    import urllib.parse

    try:
        parts = urllib.parse.urlsplit(text.strip())
        port = parts.port
    except ValueError:
        return None
    if not parts.scheme or not parts.hostname:
        return None
    host = parts.hostname
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    netloc = host if port is None or port == default else f"{host}:{port}"
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.scheme.lower()}://{netloc}{parts.path or '/'}{query}"


def _as_pydantic_urls(value: Value) -> Value:
    def convert(item: Value) -> Value:
        if not item.known or not isinstance(item.raw, str):
            return item
        normalised = _pydantic_url(item.raw)
        if normalised is None or normalised == item.raw:
            return item
        note = f"pydantic's URL type turns `{item.raw}` into `{normalised}`"
        return Value(normalised, item.location, item.provenance, item.env_var, note, item.related)

    if value.known and isinstance(value.raw, tuple):
        return Value(
            tuple(convert(i) for i in value.raw),
            value.location,
            value.provenance,
            value.env_var,
            value.description,
            value.related,
        )
    return convert(value)


def _from_json(decoded: Any, location: Location, text: Value) -> Value:
    """A decoded JSON document as a Value: arrays become tuples, objects dicts of Values."""
    if isinstance(decoded, list):
        raw: Any = tuple(_from_json(item, location, text) for item in decoded)
    elif isinstance(decoded, dict):
        raw = {key: _from_json(item, location, text) for key, item in decoded.items()}
    else:
        raw = decoded
    return Value(raw, location, text.provenance, text.env_var, related=text.related)


def _field_default(value: cst.BaseExpression) -> cst.BaseExpression | None:
    """`Field(default=X)` / `Field(X)` -> X; `Field(default_factory=...)` -> None."""
    if isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and value.func.value == "Field":
        for arg in value.args:
            if arg.keyword is not None and arg.keyword.value == "default":
                return arg.value
            if arg.keyword is None:
                return arg.value
        return None
    return value


def _is_number(raw: Any) -> bool:
    return isinstance(raw, (int, float)) and not isinstance(raw, bool)


def _string_method(receiver: Value, method: str, args: list[Value], location: Location) -> Value | None:
    if not all(arg.known for arg in args):
        return None
    raw = receiver.raw
    plain_args = [arg.raw for arg in args]
    provenance = _merge(receiver.provenance)
    if isinstance(raw, str):
        if method == "split" and all(isinstance(a, str) or a is None for a in plain_args):
            parts = raw.split(*plain_args)
            return Value(
                tuple(Value(part, location, provenance, receiver.env_var) for part in parts),
                location,
                provenance,
                receiver.env_var,
            )
        if method == "format" and all(
            isinstance(a, (str, int)) and not isinstance(a, bool) for a in plain_args
        ):
            try:
                return Value(raw.format(*plain_args), location, provenance, receiver.env_var)
            except (IndexError, KeyError, ValueError):
                return None
        if method in {"strip", "rstrip", "lstrip", "lower", "upper"} and all(
            isinstance(a, str) for a in plain_args
        ):
            return Value(getattr(raw, method)(*plain_args), location, provenance, receiver.env_var)
    if isinstance(raw, dict) and method == "get" and plain_args and plain_args[0] in raw:
        return _moved(raw[plain_args[0]], location)
    if isinstance(raw, dict) and method == "get" and len(args) == 2:
        return _moved(args[1], location)
    return None


def _convert(function: str, inner: Value, location: Location) -> Value | None:
    if not inner.known:
        return None
    raw = inner.raw
    if function == "str" and isinstance(raw, (str, int, float)):
        return Value(str(raw), location, inner.provenance, inner.env_var, inner.description, inner.related)
    if function in {"list", "tuple", "set", "frozenset", "sorted"} and isinstance(raw, tuple):
        items = tuple(sorted(raw, key=lambda v: repr(v.raw))) if function == "sorted" else raw
        return Value(items, location, inner.provenance, inner.env_var, related=inner.related)
    if function == "int" and (
        isinstance(raw, int) or (isinstance(raw, str) and raw.strip().lstrip("-").isdigit())
    ):
        return Value(int(raw), location, inner.provenance, inner.env_var, related=inner.related)
    if function == "bool" and isinstance(raw, (bool, int, str, tuple)):
        return Value(bool(raw), location, inner.provenance, inner.env_var, related=inner.related)
    return None


_STRENGTH = [
    Provenance.LITERAL,
    Provenance.CONSTANT,
    Provenance.CONFIG_FILE,
    Provenance.SETTINGS_DEFAULT,
    Provenance.ENV_DEFAULT,
    Provenance.UNKNOWN,
]


def _weaker(a: Provenance, b: Provenance) -> Provenance:
    return a if _STRENGTH.index(a) >= _STRENGTH.index(b) else b


def _merge(provenance: Provenance) -> Provenance:
    return provenance


def _moved(inner: Value, location: Location, defined_at: Location | None = None) -> Value:
    """`inner` seen from a use site: located there, remembering where it was defined."""
    provenance = inner.provenance
    if provenance is Provenance.LITERAL and defined_at is not None:
        provenance = Provenance.CONSTANT
    related = inner.related
    if defined_at is not None and defined_at not in related:
        related = (defined_at, *related)
    return Value(inner.raw, location, provenance, inner.env_var, inner.description, related)


def _as_env_default(
    value: Value, env_var: str, location: Location, provenance: Provenance = Provenance.ENV_DEFAULT
) -> Value:
    if not value.known:
        return value
    return Value(
        value.raw, location, provenance, env_var, value.description, (value.location, *value.related)
    )


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


def _bound_names(statement: cst.CSTNode) -> set[str]:
    names: set[str] = set()

    class Collector(cst.CSTVisitor):
        def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
            if isinstance(node.target, cst.Name):
                names.add(node.target.value)

        def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
            if isinstance(node.target, cst.Name):
                names.add(node.target.value)

        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            return False

        def visit_ClassDef(self, node: cst.ClassDef) -> bool:
            return False

    statement.visit(Collector())
    return names


def iter_calls(node: cst.CSTNode) -> Iterator[cst.Call]:
    """Every call in `node`, in source order."""
    found: list[cst.Call] = []

    class Collector(cst.CSTVisitor):
        def visit_Call(self, call: cst.Call) -> None:
            found.append(call)

    node.visit(Collector())
    return iter(found)


class PythonProject:
    """Finds and parses the in-tree modules that imports name, each at most once."""

    def __init__(self, read_text: Callable[[Path], str | None] | None = None) -> None:
        self._modules: dict[Path, PythonModule | None] = {}
        self._read_text = read_text or _read_text

    def module_at(self, path: Path, display: str | None = None) -> PythonModule | None:
        key = path.resolve()
        if key not in self._modules:
            self._modules[key] = None  # guards against import cycles
            text = self._read_text(path)
            if text is not None:
                try:
                    self._modules[key] = PythonModule(display or path.as_posix(), text, self)
                except PythonParseError:
                    self._modules[key] = None
        return self._modules[key]

    def parse(self, path: str, text: str) -> PythonModule:
        """The module for a file being linted, parsed once however many extractors ask."""
        key = Path(path).resolve()
        module = self._modules.get(key)
        if module is None or module.path != path:
            module = PythonModule(path, text, self)
            self._modules[key] = module
        return module

    def lookup(self, importer: PythonModule, qualified: str) -> tuple[PythonModule, str] | None:
        """`pkg.mod.NAME` imported by `importer` -> (the module of pkg/mod.py, "NAME")."""
        if "." not in qualified.strip("."):
            return None
        module_name, _, attribute = qualified.rpartition(".")
        path = self.find_module(importer, module_name)
        if path is None:
            return None
        module = self.module_at(path, _display_path(importer.path, path))
        return (module, attribute) if module is not None else None

    def find_module(self, importer: PythonModule, module_name: str) -> Path | None:
        here = Path(importer.path).parent
        dots = len(module_name) - len(module_name.lstrip("."))
        parts = [p for p in module_name.lstrip(".").split(".") if p]
        if dots:
            base = here
            for _ in range(dots - 1):
                base = base.parent
            return _module_file(base, parts)
        base = here
        for _ in range(12):
            found = _module_file(base, parts)
            if found is not None:
                return found
            if base.parent == base:
                break
            base = base.parent
        return None


def _module_file(base: Path, parts: list[str]) -> Path | None:
    if not parts:
        candidate = base / "__init__.py"
        return candidate if candidate.is_file() else None
    candidate = base.joinpath(*parts).with_suffix(".py")
    if candidate.is_file():
        return candidate
    package = base.joinpath(*parts) / "__init__.py"
    return package if package.is_file() else None


def _display_path(importer: str, target: Path) -> str:
    importer_path = Path(importer)
    try:
        return target.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return target.as_posix() if not importer_path.is_absolute() else str(target)


def _read_text(path: Path) -> str | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if len(data) > 2_000_000 or b"\0" in data:
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def is_development_path(path: str) -> bool:
    """A file or folder named for development, local or test use (RULES.md, CORS106)."""
    words = re.split(r"[/\\._-]+", path.lower())
    return any(word in {"dev", "development", "local", "test", "tests", "testing", "debug"} for word in words)


# -- environment helpers: django-environ and python-decouple ---------------------------
#
# Both read a variable and fall back to a default; as for os.getenv, the default is what
# corslint judges. Their rules differ: django-environ returns the default as written (a
# string default of env.list stays a string), python-decouple passes it through `cast`.

ENVIRON_CLASSES = frozenset({"environ.Env", "environ.FileAwareEnv", "environ.environ.Env"})
# django-environ method -> index of the positional `default` parameter after `var`
_ENVIRON_DEFAULT_INDEX = {
    "": 2,
    "str": 1,
    "bool": 1,
    "int": 1,
    "float": 1,
    "list": 2,
    "tuple": 2,
    "dict": 2,
    "json": 1,
    "url": 1,
    "path": 1,
}
DECOUPLE_CALLABLES = frozenset({"decouple.config"})
DECOUPLE_CLASSES = frozenset({"decouple.AutoConfig", "decouple.Config"})
# decouple's strtobool, applied to str(default); "" counts as False
_DECOUPLE_BOOLEANS = {
    **dict.fromkeys(("y", "yes", "t", "true", "on", "1"), True),
    **dict.fromkeys(("n", "no", "f", "false", "off", "0", ""), False),
}


def _call_argument(call: cst.Call, index: int, keyword: str) -> cst.BaseExpression | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == keyword:
            return arg.value
    positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
    return positional[index].value if index < len(positional) else None


def _instance_call(
    module: PythonModule, name: str, classes: frozenset[str]
) -> tuple[PythonModule, cst.Call] | None:
    """The `name = SomeClass(...)` call binding `name`, here, imported, or through star imports."""
    found = module.find_binding(name)
    if found is None and name in module.imports and module.project is not None:
        imported = module.project.lookup(module, module.imports[name])
        if imported is not None and imported[0] is not module:
            found = imported[0].find_binding(imported[1])
    if found is None:
        return None
    owner, expression = found
    if isinstance(expression, cst.Call) and (owner.qualified_name(expression.func) or "") in classes:
        return owner, expression
    return None


def environ_hook(module: PythonModule, call: cst.Call, qualified: str, scope: Scope) -> Value | None:
    """`env("X", default=...)`, `env.list("X", default=[...])` for `env = environ.Env(...)`."""
    func = call.func
    if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
        receiver, method = func.value.value, func.attr.value
    elif isinstance(func, cst.Name):
        receiver, method = func.value, ""
    else:
        return None
    if method not in _ENVIRON_DEFAULT_INDEX:
        return None
    instance = _instance_call(module, receiver, ENVIRON_CLASSES)
    if instance is None:
        return None
    name_node = _call_argument(call, 0, "var")
    default_node = _call_argument(call, _ENVIRON_DEFAULT_INDEX[method], "default")
    parse_default = _call_argument(call, 3, "parse_default") if method == "" else None
    if parse_default is not None:
        return module.unknown(call, f"{module.source(call)} (parse_default casts the default)")
    if default_node is not None:
        value = module.env_read(call, name_node, default_node, scope)
        if value.known and isinstance(value.raw, str) and value.raw.startswith("$"):
            # django-environ reads a "$NAME" default as a reference to another variable
            return module.unknown(call, f"{module.source(call)} (the default refers to another variable)")
        return value
    # Env(NAME=(cast, default)) declares a default for every read of NAME
    name = module.resolve(name_node, scope) if name_node is not None else None
    owner, env_call = instance
    if name is not None and name.known and isinstance(name.raw, str):
        declared = _call_argument(env_call, 99, name.raw)
        if isinstance(declared, cst.Tuple) and len(declared.elements) == 2:
            default = owner.resolve(declared.elements[1].value, scope.deeper())
            if not default.known:
                return default
            return _as_env_default(default, name.raw, module.location(call))
    return module.env_read(call, name_node, None, scope)


def decouple_hook(module: PythonModule, call: cst.Call, qualified: str, scope: Scope) -> Value | None:
    """`config("X", default=..., cast=...)`: decouple casts the default like a set value."""
    if qualified not in DECOUPLE_CALLABLES:
        if not isinstance(call.func, cst.Name):
            return None
        if _instance_call(module, call.func.value, DECOUPLE_CLASSES) is None:
            return None
    name_node = _call_argument(call, 0, "option")
    default_node = _call_argument(call, 1, "default")
    cast_node = _call_argument(call, 2, "cast")
    value = module.env_read(call, name_node, default_node, scope)
    if not value.known or cast_node is None:
        return value
    cast = module.qualified_name(cast_node) or ""
    raw = value.raw
    location = module.location(call)

    def done(result: Any) -> Value:
        return Value(result, location, value.provenance, value.env_var, value.description, value.related)

    if cast in {"bool", "builtins.bool"}:
        key = str(raw).lower()
        return done(_DECOUPLE_BOOLEANS[key]) if key in _DECOUPLE_BOOLEANS else module.unknown(call)
    if cast in {"int", "float", "str"} and isinstance(raw, (str, int, float)) and not isinstance(raw, bool):
        try:
            return done({"int": int, "float": float, "str": str}[cast](raw))
        except ValueError:
            return module.unknown(call)
    if isinstance(cast_node, cst.Call) and (module.qualified_name(cast_node.func) or "") == "decouple.Csv":
        return _decouple_csv(module, cast_node, value, location)
    return module.unknown(call, f"{module.source(call)} (cast by {module.source(cast_node)})")


def _decouple_csv(module: PythonModule, csv: cst.Call, value: Value, location: Location) -> Value:
    post_process = "list"
    for arg in csv.args:
        if arg.keyword is not None and arg.keyword.value == "post_process":
            post_process = module.source(arg.value)
        else:
            return module.unknown(csv, f"{module.source(csv)} (Csv options)")
    raw = value.raw
    if post_process not in {"list", "tuple"} or not (raw is None or isinstance(raw, str)):
        return module.unknown(csv)
    if isinstance(raw, str) and any(char in raw for char in "\"'\\#"):
        return module.unknown(csv, f"{raw!r} (Csv parses quotes and comments with shlex)")
    # Csv splits with shlex on commas: empty fields vanish, each token is stripped
    parts = [part.strip() for part in (raw or "").split(",") if part != ""]
    items = tuple(Value(part, value.location, value.provenance, value.env_var) for part in parts)
    return Value(items, location, value.provenance, value.env_var, value.description, value.related)


CALL_HOOKS.extend([environ_hook, decouple_hook])
