"""A Python module's values, resolved across files: names bound here or imported,
star imports, settings-class fields, and the calls the resolver knows."""

from __future__ import annotations

import ast
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from corslint.extractors.python.expressions import ExpressionResolver
from corslint.extractors.python.pydantic_fields import (
    URL_TYPE,
    as_pydantic_urls,
    field_alias,
    field_default,
)
from corslint.extractors.python.scope import EMPTY_SCOPE, MAX_DEPTH, Scope
from corslint.extractors.python.syntax import dotted_name
from corslint.extractors.python.values import as_env_default, convert, from_json, moved, string_method
from corslint.model import Location, Provenance, Regex, Value

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


# A hook lets an extractor teach the resolver a call it knows (django-environ's
# env.list, python-decouple's config ...). It returns None when the call is not its own.
CallHook = Callable[["PythonModule", ast.Call, str, "Scope"], "Value | None"]
CALL_HOOKS: list[CallHook] = []  # extractors register theirs when imported


class ModuleLoader(Protocol):
    """What a module asks of the project that loaded it: `PythonProject`, which imports
    this module, seen here without importing it back."""

    def module_at(self, path: Path, display: str | None = None) -> PythonModule | None: ...

    def parse(self, path: str, text: str) -> PythonModule: ...

    def resolved(self, path: str | Path) -> Path: ...

    def lookup(self, importer: PythonModule, qualified: str) -> tuple[PythonModule, str] | None: ...

    def find_module(self, importer: PythonModule, module_name: str) -> Path | None: ...

    def display_path(self, importer: str, target: Path) -> str: ...


class PythonModule(ExpressionResolver):
    """One parsed Python file with what value resolution needs from it."""

    def __init__(self, path: str, text: str, project: ModuleLoader | None = None) -> None:
        self.project = project
        super().__init__(path, text)

    def _resolve_name(self, node: ast.Name, scope: Scope) -> Value:
        location = self.location(node)
        name = node.id
        if name in scope.names:
            return moved(scope.names[name], location)
        bound = self.binding(name)
        if bound is not None:
            target, expression = bound
            inner = self.resolve(expression, scope)
            return moved(inner, location, self.location(target))
        imported = self.imports.get(name)
        if imported is not None and self.project is not None:
            found = self.project.lookup(self, imported)
            if found is not None:
                module, attribute = found
                imported_value = module.resolve_name(attribute, scope)
                if imported_value is not None:
                    return moved(imported_value, location)
        starred = self._star_resolve(name, scope)
        if starred is not None:
            return moved(starred, location)
        return self.unknown(node)

    def resolve_name(self, name: str, scope: Scope = EMPTY_SCOPE) -> Value | None:
        """A module-level name's value as seen from another module, or None if unbound."""
        bound = self.binding(name)
        if bound is not None:
            target, expression = bound
            return moved(self.resolve(expression, scope), self.location(target), self.location(target))
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
                return moved(field, self.location(node))
        # module.X for an in-tree module imported as a whole (`from app import config`)
        if qualified is not None and self.project is not None and "." in qualified:
            found = self.project.lookup(self, qualified)
            if found is not None:
                module, name = found
                inner = module.resolve_name(name, scope)
                if inner is not None:
                    return moved(inner, self.location(node))
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
            alias = field_alias(value)
            value = field_default(value)
            if value is None:
                return self.unknown(target, f"{class_def.name}.{name} (no default)")
            resolved = self.resolve(value, scope)
            if isinstance(statement, ast.AnnAssign) and URL_TYPE.search(self.source(statement.annotation)):
                resolved = as_pydantic_urls(resolved)
            if is_settings and resolved.known:
                env_var = self.settings_env_var(class_def, name, alias, scope)
                return as_env_default(resolved, env_var, self.location(target), Provenance.SETTINGS_DEFAULT)
            return moved(resolved, self.location(target), self.location(target))
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
            return from_json(decoded, location, text)
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
                result = string_method(
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
            converted = convert(node.func.id, inner, location)
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
        return as_env_default(default, env_var or "the variable", self.location(call))


_RE_FLAG_BITS = {"i": 2, "m": 8, "s": 16, "x": 64, "a": 256}


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
