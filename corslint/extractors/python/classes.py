"""The project's classes as corslint reads them: a field's default (pydantic
`Field(default=...)` / `default_factory`, dataclasses `field(...)`, attrs `attr.ib(...)`,
a plain class attribute), which fields a model has, and, for pydantic-settings classes,
which environment variable overrides a field."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from corslint.extractors.python.flow import FUNCTIONS, parameter_names
from corslint.extractors.python.functions import CallResolver
from corslint.extractors.python.pydantic_fields import (
    URL_TYPE,
    as_pydantic_urls,
    field_alias,
    field_default,
    field_factory,
    text_kept,
)
from corslint.extractors.python.pydantic_validators import validated
from corslint.extractors.python.pydantic_version import declared_major, major_of_imports
from corslint.extractors.python.scope import MAX_DEPTH, Scope
from corslint.extractors.python.settings_env import dotenv_field, supplied_field
from corslint.extractors.python.syntax import dotted_name
from corslint.extractors.python.values import as_env_default, moved
from corslint.model import Provenance, Value

_EMPTY_FACTORIES: dict[str, Any] = {"list": (), "tuple": (), "set": (), "frozenset": (), "dict": {}}
_MODEL_BASES = ("BaseModel", "BaseSettings")


class ClassResolver(CallResolver):
    """Reads the classes of the project."""

    def class_named(self, node: ast.expr) -> tuple[ClassResolver, ast.ClassDef] | None:
        raise NotImplementedError

    def real_path(self) -> str:
        raise NotImplementedError

    def display_file(self, file: Path) -> str:
        raise NotImplementedError

    def _method(
        self, class_def: ast.ClassDef, name: str, scope: Scope
    ) -> tuple[ClassResolver, ast.FunctionDef | ast.AsyncFunctionDef] | None:
        for statement in class_def.body:
            if isinstance(statement, FUNCTIONS) and statement.name == name:
                return self, statement
        for base in class_def.bases:
            found = self.class_named(base)
            if found is not None and found[1] is not class_def and scope.depth < MAX_DEPTH:
                return found[0]._method(found[1], name, scope.deeper())
        return None

    def field_names(self, class_def: ast.ClassDef, scope: Scope) -> list[str]:
        """The annotated fields of a model or dataclass, its project bases' first."""
        names: list[str] = []
        for base in class_def.bases:
            found = self.class_named(base)
            if found is not None and found[1] is not class_def and scope.depth < MAX_DEPTH:
                names += [n for n in found[0].field_names(found[1], scope.deeper()) if n not in names]
        for statement in class_def.body:
            if (
                isinstance(statement, ast.AnnAssign)
                and isinstance(statement.target, ast.Name)
                and not statement.target.id.startswith("_")
                and statement.target.id != "model_config"
                and "ClassVar" not in self.source(statement.annotation)
                and statement.target.id not in names
            ):
                names.append(statement.target.id)
        return names

    def pydantic_major(self) -> int | None:
        """The pydantic major validating this module's settings: its imports, else the
        project's manifests (pydantic_version.py); None when neither tells."""
        # a name imported two ways in `try`/`except ImportError` is in neither: not known
        major = major_of_imports([*self.imports.values(), *self.nested_imports.values()])
        return major if major is not None else declared_major(self.path)

    def is_model_class(self, class_def: ast.ClassDef, scope: Scope) -> bool:
        return self._derives(class_def, _MODEL_BASES, scope)

    def is_settings_class(self, class_def: ast.ClassDef, scope: Scope) -> bool:
        """Whether the class derives from pydantic's BaseSettings, directly or through
        classes of the project (`class Settings(CommonSettings)`)."""
        return self._derives(class_def, ("BaseSettings",), scope)

    def _derives(self, class_def: ast.ClassDef, names: tuple[str, ...], scope: Scope) -> bool:
        for base in class_def.bases:
            if (self.qualified_name(base) or "").split(".")[-1] in names:
                return True
            found = self.class_named(base)
            if (
                found is not None
                and found[1] is not class_def
                and scope.depth < MAX_DEPTH
                and found[0]._derives(found[1], names, scope.deeper())
            ):
                return True
        return False

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
            if not (isinstance(target, ast.Name) and target.id == name):
                continue
            if value is None:  # no default: what the project's deployment sets, if it does
                supplied = (
                    supplied_field(self, class_def, statement, name, scope)
                    if is_settings and isinstance(statement, ast.AnnAssign)
                    else None
                )
                if supplied is None:
                    continue
                return supplied
            alias = field_alias(value)
            default = field_default(value)
            made = (
                self.resolve(default, scope)
                if default is not None
                else self._factory_value(field_factory(value), scope)
            )
            if made is None:
                return self.unknown(target, f"{class_def.name}.{name} (no default)")
            resolved = made
            if is_settings and resolved.known:  # a model's defaults are not validated, settings' are
                resolved = validated(self, class_def, statement, name, resolved, scope)
            if (
                is_settings
                and isinstance(statement, ast.AnnAssign)
                and URL_TYPE.search(self.source(statement.annotation))
                and not text_kept(statement.annotation, isinstance(resolved.raw, tuple))
            ):
                resolved = as_pydantic_urls(resolved, self.pydantic_major())
            if is_settings and resolved.known:
                env_var = self.settings_env_var(class_def, name, alias, scope)
                from_file = dotenv_field(self, class_def, statement, target, name, env_var, scope)
                if from_file is not None:  # a committed dotenv file the class names: read over the default
                    return from_file
                return as_env_default(resolved, env_var, self.location(target), Provenance.SETTINGS_DEFAULT)
            return moved(resolved, self.location(target), self.location(target))
        # bases in order, the first that says something of the field (the MRO of a settings
        # class made of mixins, `class Settings(AppSettings, CORSSettings)`: census 7 B18)
        for base in class_def.bases:
            found = self.class_named(base)
            if found is not None and found[1] is not class_def and scope.depth < MAX_DEPTH:
                inherited = found[0].class_field(found[1], name, scope.deeper())
                if inherited is not None:
                    return inherited
        return None

    def _factory_value(self, factory: ast.expr | None, scope: Scope) -> Value | None:
        """What a default factory makes: `lambda: [...]`, `list`, a project function."""
        if factory is None:
            return None
        if isinstance(factory, ast.Lambda) and not parameter_names(factory):
            return self.resolve(factory.body, scope)
        if (
            isinstance(factory, ast.Name)
            and factory.id in _EMPTY_FACTORIES
            and self.qualified_name(factory) == factory.id
        ):
            return Value(_EMPTY_FACTORIES[factory.id], self.location(factory))
        if isinstance(factory, ast.Call):  # a factory made by a call: what it returns, called
            product = self.closure_product(factory, scope)
            if product is not None:
                return product
        call = ast.copy_location(ast.Call(func=factory, args=[], keywords=[]), factory)
        ast.fix_missing_locations(call)
        evaluated = self.evaluate_call(call, scope)
        return evaluated if evaluated is not None else self.unknown(factory)

    def settings_env_var(self, class_def: ast.ClassDef, name: str, alias: str | None, scope: Scope) -> str:
        """The environment variable pydantic-settings reads for a field, as measured with
        pydantic-settings 2.16: the field's alias if it has one, else `env_prefix` and the
        name; matched case-insensitively unless `case_sensitive`, so shown in upper case."""
        prefix, case_sensitive = self._settings_config(class_def, scope)
        found = alias if alias is not None else (prefix or "") + name
        return found if case_sensitive else found.upper()

    def settings_case_sensitive(self, class_def: ast.ClassDef, scope: Scope) -> bool:
        return self._settings_config(class_def, scope)[1]

    def _settings_config(self, class_def: ast.ClassDef, scope: Scope) -> tuple[str | None, bool]:
        """`env_prefix` and `case_sensitive` of a settings class (`model_config`, or the
        older `class Config`), looked up through its bases as pydantic does."""
        found: dict[str, Any] = {}
        for key, node in _config_entries(class_def):
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

    def last_assignment(
        self, block: list[ast.stmt], receiver: str, name: str, scope: Scope
    ) -> ast.expr | str | None:
        """The value last assigned to `receiver.name` along the path `block` runs; a string
        says why it cannot be known."""
        last: ast.expr | str | None = None
        for statement in block:
            assigns = any(
                is_self_attribute(t, receiver, name) for node in ast.walk(statement) for t in targets_of(node)
            )
            if not assigns:
                continue
            if isinstance(statement, (ast.Assign, ast.AnnAssign)) and statement.value is not None:
                last = statement.value
            elif isinstance(statement, ast.If):
                decided = self.decide(statement.test, scope)
                if decided is None:
                    return f"set under `if {self.source(statement.test)}`"
                inner = self.last_assignment(
                    statement.body if decided.raw else statement.orelse, receiver, name, scope
                )
                if isinstance(inner, str):
                    return inner
                last = inner if inner is not None else last
            elif isinstance(statement, (ast.With, ast.AsyncWith)):
                inner = self.last_assignment(statement.body, receiver, name, scope)
                if isinstance(inner, str):
                    return inner
                last = inner if inner is not None else last
            else:
                return "changed in a loop, `try` or augmented assignment"
        return last


def _config_entries(class_def: ast.ClassDef) -> list[tuple[str, ast.expr]]:
    """The options of `model_config = SettingsConfigDict(...)` / `{...}` or `class Config:`."""
    entries: list[tuple[str, ast.expr]] = []
    for statement in class_def.body:
        if isinstance(statement, ast.ClassDef) and statement.name == "Config":
            entries += [
                (item.targets[0].id, item.value)
                for item in statement.body
                if isinstance(item, ast.Assign)
                and len(item.targets) == 1
                and isinstance(item.targets[0], ast.Name)
            ]
        elif (
            isinstance(statement, (ast.Assign, ast.AnnAssign))
            and dotted_name(statement.targets[0] if isinstance(statement, ast.Assign) else statement.target)
            == "model_config"
            and statement.value is not None
        ):
            config = statement.value
            if isinstance(config, ast.Call):
                entries += [(k.arg, k.value) for k in config.keywords if k.arg is not None]
            elif isinstance(config, ast.Dict):
                entries += [
                    (k.value, v)
                    for k, v in zip(config.keys, config.values, strict=True)
                    if isinstance(k, ast.Constant) and isinstance(k.value, str)
                ]
    return entries


def targets_of(statement: ast.AST) -> list[ast.expr]:
    if isinstance(statement, ast.Assign):
        return statement.targets
    if isinstance(statement, (ast.AnnAssign, ast.AugAssign)):
        return [statement.target]
    return []


def is_self_attribute(target: ast.expr, receiver: str, name: str) -> bool:
    return (
        isinstance(target, ast.Attribute)
        and target.attr == name
        and isinstance(target.value, ast.Name)
        and target.value.id == receiver
    )
