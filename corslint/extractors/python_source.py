"""Python source read with the standard library's `ast`: positions, imports, and static
value resolution.

`ast` rather than a concrete syntax tree: corslint never rewrites code, only reads
it, and CPython's own parser is twenty to forty times faster than any Python-level
one (the libcst it replaced: 10-15 ms per file, against under 1 ms). Parsing compiles
nothing and runs nothing. A value is resolved only when it is certain (a literal, a
module constant bound once, simple arithmetic on those, an environment read with a
default, a settings-class default); anything else becomes an UNKNOWN `Value` that
carries the source text, so CORS305 can name it.
"""

from __future__ import annotations

import ast
import errno
import json
import os
import re
import stat
import sys
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
_NEWLINE = re.compile(r"\r\n|\r|\n")  # the line breaks Python's tokenizer counts
# the grammar is the running interpreter's: newer syntax reads as an error, and says so
_RUNNING = f"{sys.version_info.major}.{sys.version_info.minor}"


class PythonParseError(SourceError):
    """Python that the parser rejects."""


def parse_python(text: str) -> ast.Module:
    try:
        with warnings.catch_warnings():
            # invalid escapes and the like warn at parse time; they are not CORS findings
            warnings.simplefilter("ignore")
            return ast.parse(text)
    except SyntaxError as error:
        line, column = error.lineno or 1, error.offset or 1
        raise PythonParseError(
            f"invalid Python syntax (as Python {_RUNNING} reads it): {error.msg} (line {line}, column {column})",
            line,
            column,
        ) from None
    except (RecursionError, MemoryError):
        raise PythonParseError("expression nested too deeply to parse") from None
    except ValueError as error:  # e.g. NUL bytes
        raise PythonParseError(f"invalid Python source: {error}") from None


# A hook lets an extractor teach the resolver a call it knows (django-environ's
# env.list, python-decouple's config ...). It returns None when the call is not its own.
CallHook = Callable[["PythonModule", ast.Call, str, "Scope"], "Value | None"]
CALL_HOOKS: list[CallHook] = []  # extractors register theirs when imported


_set = object.__setattr__  # for the frozen dataclasses below that fill their own fields


@dataclass(frozen=True)
class Scope:
    """Local names bound while resolving (comprehension variables)."""

    names: Mapping[str, Value]
    depth: int = 0

    def __init__(self, names: Mapping[str, Value], depth: int = 0) -> None:
        # one per resolution step: the generated frozen __init__ looks object.__setattr__
        # up again for every field; this one (_set) does not
        _set(self, "names", names)
        _set(self, "depth", depth)

    def deeper(self) -> Scope:
        return Scope(self.names, self.depth + 1)


EMPTY_SCOPE = Scope({})
_NONE = ast.Constant(None)  # stands for "bound under a condition": never resolved


class PythonModule:
    """One parsed Python file with what value resolution needs from it."""

    def __init__(self, path: str, text: str, project: PythonProject | None = None) -> None:
        self.path = path
        self.text = text
        self.project = project
        self.tree = parse_python(text)
        self._ascii = text.isascii()  # then ast's byte columns are character columns
        self._lines: list[str] | None = None
        self._encoded: dict[int, bytes] = {}
        self.imports: dict[str, str] = {}  # local name -> qualified name
        self.star_imports: list[str] = []  # qualified module names of `from X import *`
        self.assignments: dict[str, list[tuple[ast.AST, ast.expr]]] = {}
        self.classes: dict[str, ast.ClassDef] = {}
        self._nodes: list[ast.AST] | None = None
        self._calls: list[ast.Call] | None = None
        self._collect()

    # -- the tree, walked once ---------------------------------------------------------
    @property
    def nodes(self) -> list[ast.AST]:
        """The tree's nodes in `ast.walk` order (breadth first), without `LEAVES`. Do not modify."""
        if self._nodes is None:
            self._nodes = walk(self.tree)
        return self._nodes

    @property
    def calls(self) -> list[ast.Call]:
        """Every call in the tree in source order, as `iter_calls` gives them. Do not modify."""
        if self._calls is None:
            self._calls = [node for node in self.nodes if isinstance(node, ast.Call)]
            self._calls.sort(key=_source_order)
        return self._calls

    # -- positions ---------------------------------------------------------------
    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = _NEWLINE.split(self.text)
        return self._lines

    def _column(self, line: int, offset: int) -> int:
        """ast counts columns in UTF-8 bytes; a Location counts characters."""
        if self._ascii or offset <= 0:
            return offset
        encoded = self._encoded.get(line)
        if encoded is None:
            text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
            encoded = self._encoded[line] = text.encode("utf-8", "surrogatepass")
        return len(encoded[:offset].decode("utf-8", "replace"))

    def location(self, node: ast.AST) -> Location:
        line: int = getattr(node, "lineno", 1)
        end_line: int = getattr(node, "end_lineno", None) or line
        column: int = getattr(node, "col_offset", 0)
        end_column: int = getattr(node, "end_col_offset", None) or 0
        if not self._ascii:
            column, end_column = self._column(line, column), self._column(end_line, end_column)
        return Location(self.path, line, column + 1, end_line, end_column + 1)

    def source(self, node: ast.AST) -> str:
        """The node's text as written (without enclosing parentheses)."""
        span = self.location(node)
        lines = self.lines
        if not 0 < span.line <= span.end_line <= len(lines):
            return ""
        first, last = span.line - 1, span.end_line - 1
        begin, end = span.column - 1, span.end_column - 1
        if first == last:
            return lines[first][begin:end]
        return "\n".join([lines[first][begin:], *lines[first + 1 : last], lines[last][:end]])

    # -- module-level bindings -----------------------------------------------------
    def _collect(self) -> None:
        for statement in self.tree.body:
            self._collect_statement(statement)

    def _bind(self, name: str, target: ast.AST, value: ast.expr) -> None:
        self.assignments.setdefault(name, []).append((target, value))

    def _collect_statement(self, statement: ast.stmt) -> None:
        if isinstance(statement, ast.Import):
            for alias in statement.names:
                if alias.asname is not None:
                    self.imports[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    self.imports[top] = top
        elif isinstance(statement, ast.ImportFrom):
            base = "." * statement.level + (statement.module or "")
            for alias in statement.names:
                if alias.name == "*":
                    self.star_imports.append(base)
                    continue
                local = alias.asname or alias.name
                # `from . import views` -> ".views", not "..views"
                joined = f"{base}{alias.name}" if base.endswith(".") else f"{base}.{alias.name}"
                self.imports[local] = joined if base else alias.name
        elif isinstance(statement, ast.Assign):
            for target in statement.targets:
                if isinstance(target, ast.Name):
                    self._bind(target.id, target, statement.value)
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            if isinstance(statement.target, ast.Name):
                self._bind(statement.target.id, statement.target, statement.value)
        elif isinstance(statement, ast.AugAssign) and isinstance(statement.target, ast.Name):
            # `X += [...]` rebinds X: it is no longer a constant we can trust
            self._bind(statement.target.id, statement.target, statement.value)
            self._bind(statement.target.id, statement.target, statement.value)
        elif isinstance(statement, ast.ClassDef):
            self.classes[statement.name] = statement
        elif isinstance(statement, _WITH):
            for item in statement.items:  # `as NAME`: whatever the manager returns
                for name in target_names(item.optional_vars):
                    self._bind(name, statement, _NONE)
                    self._bind(name, statement, _NONE)
            for inner in statement.body:
                self._collect_statement(inner)
        elif isinstance(statement, (ast.If, ast.Try, ast.Match, *UNCERTAIN_BLOCKS)):
            # Bindings under a condition or in a loop are two candidate values: never a constant.
            for name in bound_names(statement):
                self._bind(name, statement, _NONE)
                self._bind(name, statement, _NONE)

    def qualified_name(self, node: ast.AST) -> str | None:
        """`cors.CORSMiddleware` -> `fastapi.middleware.cors.CORSMiddleware`, by the imports."""
        if isinstance(node, ast.Name):
            return self.imports.get(node.id, node.id)
        if isinstance(node, ast.Attribute):
            base = self.qualified_name(node.value)
            return f"{base}.{node.attr}" if base else None
        return None

    def binding(self, name: str) -> tuple[ast.AST, ast.expr] | None:
        """The single module-level binding of `name`, or None when there are none or several."""
        bound = self.assignments.get(name)
        if bound is None or len(bound) != 1:
            return None
        return bound[0]

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
            if inner.known and _is_number(inner.raw):
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
            return _as_env_default(right, left.env_var, self.location(node))
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
        provenance = _weaker(left.provenance, right.provenance)
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
            provenance = _weaker(provenance, value.provenance)
        return Value("".join(parts), self.location(node), provenance, env_var)

    def _resolve_name(self, node: ast.Name, scope: Scope) -> Value:
        location = self.location(node)
        name = node.id
        if name in scope.names:
            return _moved(scope.names[name], location)
        bound = self.binding(name)
        if bound is not None:
            target, expression = bound
            inner = self.resolve(expression, scope)
            return _moved(inner, location, self.location(target))
        imported = self.imports.get(name)
        if imported is not None and self.project is not None:
            found = self.project.lookup(self, imported)
            if found is not None:
                module, attribute = found
                imported_value = module.resolve_name(attribute, scope)
                if imported_value is not None:
                    return _moved(imported_value, location)
        starred = self._star_resolve(name, scope)
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
            module = self.project.module_at(path, self.project.display_path(self.path, path))
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

    def find_binding(self, name: str, depth: int = 0) -> tuple[PythonModule, ast.expr] | None:
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
            provenance = _weaker(provenance, item.provenance) if item.known else provenance
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
        provenance = _weaker(left.provenance, right.provenance)
        env_var = left.env_var or right.env_var
        location = self.location(node)
        if isinstance(node.op, ast.Add):
            if isinstance(left.raw, str) and isinstance(right.raw, str):
                return Value(left.raw + right.raw, location, provenance, env_var)
            if isinstance(left.raw, tuple) and isinstance(right.raw, tuple):
                return Value(left.raw + right.raw, location, provenance, env_var)
            if _is_number(left.raw) and _is_number(right.raw):
                return Value(left.raw + right.raw, location, provenance, env_var)
        if isinstance(node.op, ast.Mult) and _is_number(left.raw) and _is_number(right.raw):
            return Value(left.raw * right.raw, location, provenance, env_var)
        if isinstance(node.op, ast.BitOr) and isinstance(left.raw, int) and isinstance(right.raw, int):
            return Value(left.raw | right.raw, location, provenance, env_var)
        return self.unknown(node)

    def _resolve_attribute(self, node: ast.Attribute, scope: Scope) -> Value:
        qualified = self.qualified_name(node)
        if qualified is not None and qualified.startswith("re.") and qualified[3:] in _RE_FLAGS:
            return Value(_RE_FLAG_BITS[_RE_FLAGS[qualified[3:]]], self.location(node))
        # settings.X where settings = Settings() and Settings declares X with a default
        settings_class = self._instance_class(node.value)
        if settings_class is not None:
            module, class_def = settings_class
            field = module.class_field(class_def, node.attr, scope)
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

    def _instance_class(self, node: ast.expr) -> tuple[PythonModule, ast.ClassDef] | None:
        """The class of `node` when it is a module-level `x = SomeClass()` (here or imported)."""
        if isinstance(node, ast.Call):
            return self.class_named(node.func)
        if not isinstance(node, ast.Name):
            return None
        bound = self.binding(node.id)
        if bound is not None:
            expression = bound[1]
            if isinstance(expression, ast.Call):
                return self.class_named(expression.func)
            return None
        imported = self.imports.get(node.id)
        if imported is not None and self.project is not None:
            found = self.project.lookup(self, imported)
            if found is not None and found[0] is not self:
                return found[0]._instance_class(ast.Name(found[1]))
        return None

    def class_named(self, node: ast.expr) -> tuple[PythonModule, ast.ClassDef] | None:
        if isinstance(node, ast.Name):
            if node.id in self.classes:
                return self, self.classes[node.id]
            imported = self.imports.get(node.id)
            if imported is not None and self.project is not None:
                found = self.project.lookup(self, imported)
                if found is not None and found[0] is not self:
                    return found[0].class_named(ast.Name(found[1]))
        return None

    def class_field(self, class_def: ast.ClassDef, name: str, scope: Scope) -> Value | None:
        """A class attribute's default; for pydantic settings, the environment can override it."""
        is_settings = self.is_settings_class(class_def, scope)
        for statement in class_def.body:
            target: ast.expr | None = None
            value: ast.expr | None = None
            if isinstance(statement, ast.AnnAssign):
                target, value = statement.target, statement.value
            elif isinstance(statement, ast.Assign) and len(statement.targets) == 1:
                target, value = statement.targets[0], statement.value
            if not (isinstance(target, ast.Name) and target.id == name and value is not None):
                continue
            alias = _field_alias(value)
            value = _field_default(value)
            if value is None:
                return self.unknown(target, f"{class_def.name}.{name} (no default)")
            resolved = self.resolve(value, scope)
            if isinstance(statement, ast.AnnAssign) and _URL_TYPE.search(self.source(statement.annotation)):
                resolved = _as_pydantic_urls(resolved)
            if is_settings and resolved.known:
                env_var = self.settings_env_var(class_def, name, alias, scope)
                return _as_env_default(resolved, env_var, self.location(target), Provenance.SETTINGS_DEFAULT)
            return _moved(resolved, self.location(target), self.location(target))
        for base in class_def.bases:
            found = self.class_named(base)
            if found is not None and found[1] is not class_def:
                return found[0].class_field(found[1], name, scope.deeper())
        return None

    def is_settings_class(self, class_def: ast.ClassDef, scope: Scope) -> bool:
        """Whether the class derives from pydantic's BaseSettings, directly or through
        classes of the project (`class Settings(CommonSettings)`)."""
        for base in class_def.bases:
            if (self.qualified_name(base) or "").endswith("BaseSettings"):
                return True
            found = self.class_named(base)
            if (
                found is not None
                and found[1] is not class_def
                and scope.depth < MAX_DEPTH
                and found[0].is_settings_class(found[1], scope.deeper())
            ):
                return True
        return False

    def settings_env_var(self, class_def: ast.ClassDef, name: str, alias: str | None, scope: Scope) -> str:
        """The environment variable pydantic-settings reads for a field, as measured with
        pydantic-settings 2.16: the field's alias if it has one, else `env_prefix` and the
        name; matched case-insensitively unless `case_sensitive`, so shown in upper case."""
        prefix, case_sensitive = self._settings_config(class_def, scope)
        found = alias if alias is not None else (prefix or "") + name
        return found if case_sensitive else found.upper()

    def _settings_config(self, class_def: ast.ClassDef, scope: Scope) -> tuple[str | None, bool]:
        """`env_prefix` and `case_sensitive` of a settings class (`model_config`, or the
        older `class Config`), looked up through its bases as pydantic does."""
        found: dict[str, Any] = {}
        for statement in class_def.body:
            entries: list[tuple[str, ast.expr]] = []
            if isinstance(statement, ast.ClassDef) and statement.name == "Config":
                entries = [
                    (item.targets[0].id, item.value)
                    for item in statement.body
                    if isinstance(item, ast.Assign)
                    and len(item.targets) == 1
                    and isinstance(item.targets[0], ast.Name)
                ]
            elif (
                isinstance(statement, (ast.Assign, ast.AnnAssign))
                and dotted_name(
                    statement.targets[0] if isinstance(statement, ast.Assign) else statement.target
                )
                == "model_config"
                and statement.value is not None
            ):
                config = statement.value
                if isinstance(config, ast.Call):
                    entries = [(k.arg, k.value) for k in config.keywords if k.arg is not None]
                elif isinstance(config, ast.Dict):
                    entries = [
                        (k.value, v)
                        for k, v in zip(config.keys, config.values, strict=True)
                        if isinstance(k, ast.Constant) and isinstance(k.value, str)
                    ]
            for key, node in entries:
                if key in {"env_prefix", "case_sensitive"}:
                    value = self.resolve(node, scope.deeper())
                    if value.known:
                        found[key] = value.raw
        if ("env_prefix" not in found or "case_sensitive" not in found) and scope.depth < MAX_DEPTH:
            for base in class_def.bases:
                inherited = self.class_named(base)
                if inherited is not None and inherited[1] is not class_def:
                    prefix, case_sensitive = inherited[0]._settings_config(inherited[1], scope.deeper())
                    found.setdefault("env_prefix", prefix)
                    found.setdefault("case_sensitive", case_sensitive)
                    break
        prefix = found.get("env_prefix")
        return (prefix if isinstance(prefix, str) else None), found.get("case_sensitive") is True

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
                produced = _as_env_default(produced, item.env_var, produced.location, item.provenance)
            items.append(produced)
        return Value(
            tuple(items), self.location(node), iterable.provenance, iterable.env_var, related=iterable.related
        )

    def _resolve_call(self, node: ast.Call, scope: Scope) -> Value:
        location = self.location(node)
        qualified = self.qualified_name(node.func) or ""
        for hook in CALL_HOOKS:
            hooked = hook(self, node, qualified, scope)
            if hooked is not None:
                return hooked
        args = [arg for arg in node.args if not isinstance(arg, ast.Starred)]
        keywords = {kw.arg: kw.value for kw in node.keywords if kw.arg is not None}
        if qualified in ENV_GETTERS or qualified.endswith(".getenv"):
            return self.env_read(
                node,
                args[0] if args else None,
                args[1] if len(args) > 1 else keywords.get("default"),
                scope,
            )
        if qualified == "json.loads" and len(args) == 1 and not keywords:
            # `json.loads(os.getenv("CORS_ORIGINS", '["https://a.example"]'))`
            text = self.resolve(args[0], scope)
            if not text.known or not isinstance(text.raw, str):
                return self.unknown(node)
            try:
                decoded = json.loads(text.raw)
            except ValueError:
                return self.unknown(node, f"{self.source(node)} (not valid JSON)")
            return _from_json(decoded, location, text)
        if qualified == "re.compile" and args:
            pattern = self.resolve(args[0], scope)
            flags = (
                self.resolve(args[1], scope)
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
        if isinstance(node.func, ast.Attribute):
            receiver = self.resolve(node.func.value, scope)
            if receiver.known:
                result = _string_method(
                    receiver, node.func.attr, [self.resolve(a, scope) for a in args], location
                )
                if result is not None:
                    return result
            return self.unknown(node)
        if isinstance(node.func, ast.Name) and node.func.id == "filter" and len(args) == 2:
            # filter(None, values): drops the empty strings a split of "" or "a,,b" leaves
            if not (isinstance(args[0], ast.Constant) and args[0].value is None):
                return self.unknown(node)
            inner = self.resolve(args[1], scope)
            if not inner.known or not isinstance(inner.raw, tuple) or any(not v.known for v in inner.raw):
                return self.unknown(node)
            kept = tuple(v for v in inner.raw if v.raw)
            return Value(kept, location, inner.provenance, inner.env_var, inner.description, inner.related)
        if (
            isinstance(node.func, ast.Name)
            and node.func.id in {"str", "list", "tuple", "set", "frozenset", "int", "bool", "sorted"}
            and len(args) == 1
        ):
            inner = self.resolve(args[0], scope)
            converted = _convert(node.func.id, inner, location)
            return converted if converted is not None else self.unknown(node)
        if qualified.endswith("AnyHttpUrl") or qualified.endswith("HttpUrl"):
            return self.resolve(args[0], scope) if args else self.unknown(node)
        return self.unknown(node)

    def env_read(
        self,
        call: ast.Call,
        name_node: ast.expr | None,
        default_node: ast.expr | None,
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


def _field_default(value: ast.expr) -> ast.expr | None:
    """`Field(default=X)` / `Field(X)` -> X; `Field(default_factory=...)` -> None."""
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "Field":
        if value.args and not isinstance(value.args[0], ast.Starred):
            return value.args[0]
        for keyword in value.keywords:
            if keyword.arg == "default":
                return keyword.value
        return None
    return value


def _field_alias(value: ast.expr) -> str | None:
    """`Field(..., alias="X")` or `validation_alias="X"`: the name the environment uses."""
    if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "Field"):
        return None
    aliases = {
        k.arg: k.value.value
        for k in value.keywords
        if k.arg in {"validation_alias", "alias"} and isinstance(k.value, ast.Constant)
    }
    found = aliases.get("validation_alias", aliases.get("alias"))  # validation_alias wins
    return found if isinstance(found, str) else None


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


def seen_from(value: Value, module: PythonModule, location: Location) -> Value:
    """A value defined in another file, located at the line of `module` that uses it
    (where it was defined becomes a related location); a value from `module` itself
    keeps its own location."""
    if value.location.path == module.path:
        return value
    return Value(
        value.raw,
        location,
        value.provenance,
        value.env_var,
        value.description,
        (value.location, *value.related),
    )


def _as_env_default(
    value: Value, env_var: str, location: Location, provenance: Provenance = Provenance.ENV_DEFAULT
) -> Value:
    if not value.known:
        return value
    return Value(
        value.raw, location, provenance, env_var, value.description, (value.location, *value.related)
    )


def dotted_name(node: ast.AST) -> str:
    """`a.b.c` for a chain of names, "" for anything else."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = dotted_name(node.value)
        return f"{base}.{node.attr}" if base else ""
    return ""


_TRY_STAR: tuple[type[ast.AST], ...] = (ast.TryStar,) if hasattr(ast, "TryStar") else ()
# compound statements whose body may not run, or may run more than once: what they bind
# is never certain (`if`, `try` and `match` each get their own treatment; a `with` body
# runs, once, like the statements around it)
UNCERTAIN_BLOCKS: tuple[type[ast.AST], ...] = (ast.For, ast.AsyncFor, ast.While, *_TRY_STAR)
_WITH = (ast.With, ast.AsyncWith)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def target_names(target: ast.AST | None) -> list[str]:
    """The names an assignment target binds: `x`, `(x, y)`, `[x, *rest]` (not `a.b`)."""
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, ast.Starred):
        return target_names(target.value)
    if isinstance(target, (ast.Tuple, ast.List)):
        return [name for element in target.elts for name in target_names(element)]
    return []


def bound_names(statement: ast.AST) -> set[str]:
    """Names that plain assignments in `statement` bind (not inside functions or classes)."""
    names: set[str] = set()
    stack = [statement]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        stack.extend(child for child in ast.iter_child_nodes(node) if not isinstance(child, _SCOPES))
    return names


def _source_order(node: ast.AST) -> tuple[int, int, int, int]:
    # an enclosing node starts where its first child does and ends later: it comes first
    return (node.lineno, node.col_offset, -(node.end_lineno or 0), -(node.end_col_offset or 0))  # type: ignore[attr-defined]


# nodes with nothing below them that a walk looks at
LEAVES = frozenset(
    {
        ast.Name,
        ast.Constant,
        ast.Pass,
        ast.Break,
        ast.Continue,
        ast.Import,
        ast.ImportFrom,
        ast.Global,
        ast.Nonlocal,
        *ast.expr_context.__subclasses__(),
        *ast.operator.__subclasses__(),
        *ast.unaryop.__subclasses__(),
        *ast.cmpop.__subclasses__(),
        *ast.boolop.__subclasses__(),
    }
)
# fields that hold names, flags or leaves, never a node to walk into
_NAMES_AND_LEAVES = frozenset(
    {
        "ctx",
        "op",
        "ops",
        "id",
        "attr",
        "arg",
        "name",
        "names",
        "module",
        "level",
        "kind",
        "conversion",
        "is_async",
    }
)
_FIELDS: dict[type[ast.AST], tuple[str, ...]] = {}


def _fields(kind: type[ast.AST]) -> tuple[str, ...]:
    fields = _FIELDS.get(kind)
    if fields is None:
        fields = _FIELDS[kind] = tuple(name for name in kind._fields if name not in _NAMES_AND_LEAVES)
    return fields


def child_nodes(node: ast.AST) -> list[ast.AST]:
    """`ast.iter_child_nodes(node)` without `LEAVES`, as a list."""
    children: list[ast.AST] = []
    for name in _fields(type(node)):
        value = getattr(node, name, None)
        if isinstance(value, list):
            children += [item for item in value if isinstance(item, ast.AST) and type(item) not in LEAVES]
        elif isinstance(value, ast.AST) and type(value) not in LEAVES:
            children.append(value)
    return children


def walk(node: ast.AST) -> list[ast.AST]:
    """`list(ast.walk(node))` without `LEAVES` (and what is below them: contexts, aliases),
    and without a generator, a deque and `iter_fields` per node."""
    found = [node]
    append = found.append
    for current in found:  # the list grows as it is read: breadth first, like ast.walk
        for name in _fields(type(current)):
            value = getattr(current, name, None)
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.AST) and type(item) not in LEAVES:
                        append(item)
            elif isinstance(value, ast.AST) and type(value) not in LEAVES:
                append(value)
    return found


def iter_calls(node: ast.AST) -> Iterator[ast.Call]:
    """Every call in `node`, in source order (an outer call before the calls inside it)."""
    found = [child for child in walk(node) if isinstance(child, ast.Call)]
    found.sort(key=_source_order)
    return iter(found)


def call_argument(call: ast.Call, index: int, keyword: str) -> ast.expr | None:
    """The argument passed as `keyword=`, else the `index`-th positional one."""
    for item in call.keywords:
        if item.arg == keyword:
            return item.value
    positional = [arg for arg in call.args if not isinstance(arg, ast.Starred)]
    return positional[index] if index < len(positional) else None


class PythonProject:
    """Finds and parses the in-tree modules that imports name, each at most once.

    Lookups are memoized for the run: the same imports are looked up by every extractor
    and from every file of a folder, and each miss walks up a dozen folders, a stat or two
    at each. Only file lookups are memoized, never `module_at` calls, which a subclass
    may watch (the cache records which files each extraction read).
    """

    def __init__(self, read_text: Callable[[Path], str | None] | None = None) -> None:
        self._modules: dict[Path, PythonModule | None] = {}
        self._read_text = read_text or _read_text
        self._resolved: dict[str | Path, Path] = {}  # path as given -> Path(path).resolve()
        self._folders: dict[str, str] = {}  # importer path -> str(its Path's parent)
        self._found: dict[tuple[str, str], Path | None] = {}  # (folder, module name) -> file
        self._in_folder: dict[tuple[str, str], Path | None] = {}  # the same, in that folder only
        self._ancestors: dict[str, tuple[str, ...]] = {}  # folder -> the folders searched
        self._files: dict[str, bool] = {}  # Path.is_file() of a candidate
        self._absent: dict[str, bool] = {}  # folders known not to exist
        self._displays: dict[tuple[str, bool, Path], str] = {}  # (cwd, absolute importer, target)

    def module_at(self, path: Path, display: str | None = None) -> PythonModule | None:
        key = self.resolved(path)
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
        key = self.resolved(path)
        module = self._modules.get(key)
        if module is None or module.path != path:
            module = PythonModule(path, text, self)
            self._modules[key] = module
        return module

    def resolved(self, path: str | Path) -> Path:
        """`Path(path).resolve()`, worked out once per spelling of a path."""
        real = self._resolved.get(path)
        if real is None:
            real = self._resolved[path] = self._resolve(os.fspath(path))
        return real

    def _resolve(self, text: str) -> Path:
        """`Path(text).resolve()`. realpath lstat's every folder on the way for every file;
        but a name that is no symlink resolves to its folder's real path joined with the
        name, and the files of a tree share their folders: each is resolved once."""
        names: list[str] = []
        current = text
        while True:
            known = self._resolved.get(current)
            if known is not None:
                break
            folder, name = os.path.split(current)
            if os.name != "posix" or not folder or name in ("", ".", "..") or not _no_link(current):
                known = self._resolved[current] = Path(current).resolve()  # the usual way
                break
            names.append(name)
            current = folder
        for name in reversed(names):
            current = os.path.join(current, name)
            known = self._resolved[current] = known / name
        return known

    def lookup(self, importer: PythonModule, qualified: str) -> tuple[PythonModule, str] | None:
        """`pkg.mod.NAME` imported by `importer` -> (the module of pkg/mod.py, "NAME")."""
        if "." not in qualified.strip("."):
            return None
        module_name, _, attribute = qualified.rpartition(".")
        path = self.find_module(importer, module_name)
        if path is None:
            return None
        module = self.module_at(path, self.display_path(importer.path, path))
        return (module, attribute) if module is not None else None

    def find_module(self, importer: PythonModule, module_name: str) -> Path | None:
        here = self._folders.get(importer.path)
        if here is None:
            here = self._folders[importer.path] = _parent(importer.path)
        key = (here, module_name)
        if key in self._found:
            return self._found[key]
        found = self._find_module(here, module_name)
        self._found[key] = found
        return found

    def _find_module(self, here: str, module_name: str) -> Path | None:
        dots = len(module_name) - len(module_name.lstrip("."))
        parts = [p for p in module_name.lstrip(".").split(".") if p]
        if any(char in part for part in parts for char in _SEPARATORS):
            # a name read from a string (`from_object("a/b")`): pathlib's own rules decide
            return _find_by_path(Path(here), dots, parts)
        if dots:
            base = here
            for _ in range(dots - 1):
                base = _parent(base)
            return self._module_file(base, parts)
        ancestors = self._ancestors.get(here)
        if ancestors is None:
            ancestors = self._ancestors[here] = _folders_up(here)
        in_folder = self._in_folder
        for folder in ancestors:
            key = (folder, module_name)  # the upper folders are searched from every file below
            if key in in_folder:
                found = in_folder[key]
            else:
                found = in_folder[key] = self._module_file(folder, parts)
            if found is not None:
                return found
        return None

    def _module_file(self, base: str, parts: list[str]) -> Path | None:
        """What `_module_file(Path(base), parts)` finds, with each stat made once.

        Most lookups are of installed packages (`flask`, `fastapi.middleware.cors`),
        absent at every level: one stat of `base/flask` rules out all the files under it.
        """
        if not parts:
            candidate = os.path.join(base, "__init__.py")
            return Path(candidate) if self._is_file(candidate) else None
        if len(parts) > 1 and self._missing(os.path.join(base, parts[0])):
            return None
        joined = os.path.join(base, *parts)
        if self._is_file(joined + ".py"):
            return Path(joined + ".py")
        if len(parts) == 1 and self._missing(joined):
            return None
        candidate = os.path.join(joined, "__init__.py")
        return Path(candidate) if self._is_file(candidate) else None

    def _missing(self, folder: str) -> bool:
        """Whether `folder` does not exist, so that nothing under it is a file. False when
        unsure (a permission error, say): the files are then looked at one by one."""
        missing = self._absent.get(folder)
        if missing is None:
            try:
                os.stat(folder)
                missing = False
            except OSError as error:
                missing = error.errno in (errno.ENOENT, errno.ENOTDIR)
            except ValueError:
                missing = False
            self._absent[folder] = missing
        return missing

    def _is_file(self, candidate: str) -> bool:
        known = self._files.get(candidate)
        if known is None:
            known = self._files[candidate] = _is_file(candidate)
        return known

    def display_path(self, importer: str, target: Path) -> str:
        """`_display_path`, once per target (and working folder)."""
        key = (os.getcwd(), os.path.isabs(importer), target)
        shown = self._displays.get(key)
        if shown is None:
            shown = self._displays[key] = _display_path(importer, target)
        return shown


def _parent(path: str) -> str:
    """`str(Path(path).parent)`; with string operations for a path pathlib would not
    rewrite (no `.`, `..`, doubled or trailing slashes), which is every path the engine
    hands over."""
    if os.name == "posix" and os.path.normpath(path) == path:
        return os.path.dirname(path) or "."
    return str(Path(path).parent)


def _folders_up(here: str) -> tuple[str, ...]:
    """The folders an absolute import is looked for in: `here` and up to 11 above it."""
    found: list[str] = []
    base = here
    for _ in range(12):
        found.append(base)
        parent = _parent(base)
        if parent == base:
            break
        base = parent
    return tuple(found)


# a module name with one of these in a part is a path: pathlib's own rules find it
_SEPARATORS = frozenset({os.sep, os.altsep or os.sep, *([":"] if os.name == "nt" else [])})


def _no_link(path: str) -> bool:
    """Whether `path` exists and is no symlink."""
    try:
        return not stat.S_ISLNK(os.lstat(path).st_mode)
    except (OSError, ValueError):
        return False


def _is_file(candidate: str) -> bool:
    """`Path(candidate).is_file()` for a normalised path, without building the Path for the
    usual answers; any other error gets pathlib's own (version-dependent) handling."""
    try:
        return stat.S_ISREG(os.stat(candidate).st_mode)
    except OSError as error:
        if error.errno in (errno.ENOENT, errno.ENOTDIR):
            return False
    except ValueError:
        pass
    return Path(candidate).is_file()


def _find_by_path(here: Path, dots: int, parts: list[str]) -> Path | None:
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


def _instance_call(
    module: PythonModule, name: str, classes: frozenset[str]
) -> tuple[PythonModule, ast.Call] | None:
    """The `name = SomeClass(...)` call binding `name`, here, imported, or through star imports."""
    found = module.find_binding(name)
    if found is None and name in module.imports and module.project is not None:
        imported = module.project.lookup(module, module.imports[name])
        if imported is not None and imported[0] is not module:
            found = imported[0].find_binding(imported[1])
    if found is None:
        return None
    owner, expression = found
    if isinstance(expression, ast.Call) and (owner.qualified_name(expression.func) or "") in classes:
        return owner, expression
    return None


def environ_hook(module: PythonModule, call: ast.Call, qualified: str, scope: Scope) -> Value | None:
    """`env("X", default=...)`, `env.list("X", default=[...])` for `env = environ.Env(...)`."""
    func = call.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        receiver, method = func.value.id, func.attr
    elif isinstance(func, ast.Name):
        receiver, method = func.id, ""
    else:
        return None
    if method not in _ENVIRON_DEFAULT_INDEX:
        return None
    instance = _instance_call(module, receiver, ENVIRON_CLASSES)
    if instance is None:
        return None
    name_node = call_argument(call, 0, "var")
    default_node = call_argument(call, _ENVIRON_DEFAULT_INDEX[method], "default")
    parse_default = call_argument(call, 3, "parse_default") if method == "" else None
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
        declared = call_argument(env_call, 99, name.raw)
        if isinstance(declared, ast.Tuple) and len(declared.elts) == 2:
            default = owner.resolve(declared.elts[1], scope.deeper())
            if not default.known:
                return default
            return _as_env_default(default, name.raw, module.location(call))
    return module.env_read(call, name_node, None, scope)


def decouple_hook(module: PythonModule, call: ast.Call, qualified: str, scope: Scope) -> Value | None:
    """`config("X", default=..., cast=...)`: decouple casts the default like a set value."""
    if qualified not in DECOUPLE_CALLABLES:
        if not isinstance(call.func, ast.Name):
            return None
        if _instance_call(module, call.func.id, DECOUPLE_CLASSES) is None:
            return None
    name_node = call_argument(call, 0, "option")
    default_node = call_argument(call, 1, "default")
    cast_node = call_argument(call, 2, "cast")
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
    if isinstance(cast_node, ast.Call) and (module.qualified_name(cast_node.func) or "") == "decouple.Csv":
        return _decouple_csv(module, cast_node, value, location)
    return module.unknown(call, f"{module.source(call)} (cast by {module.source(cast_node)})")


def _decouple_csv(module: PythonModule, csv: ast.Call, value: Value, location: Location) -> Value:
    post_process = "list"
    if csv.args:
        return module.unknown(csv, f"{module.source(csv)} (Csv options)")
    for keyword in csv.keywords:
        if keyword.arg != "post_process":
            return module.unknown(csv, f"{module.source(csv)} (Csv options)")
        post_process = module.source(keyword.value)
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
