"""The dotenv file a pydantic settings class names (`model_config =
SettingsConfigDict(env_file=".env")`, pydantic 1's `class Config: env_file = ".env"`),
when the project commits it: pydantic reads it under the environment and over the
field's default, so its value, not the default, is what the app runs with while the
variable is unset (judged "when X is unset", as a default is; the JS side reads a
committed `.env` the same way, `js.dotenv_values`).

The file is looked for where the app is started from, taken to be the project's root
(the folder holding requirements.txt / pyproject.toml ...), as pydantic resolves a
relative `env_file` against the working directory. Not read: a template (`.env.example`),
a file named for development (`.env.local`, `.env.dev`), one the repository ignores (a
developer's own), and absolute or computed paths. With several files the later wins, as
in pydantic-settings."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from corslint.extractors.development_paths import is_development_path
from corslint.extractors.js.dotenv_values import _parsed
from corslint.extractors.python.compose_env import ignored_file
from corslint.extractors.python.project_files import project_root
from corslint.extractors.python.scope import MAX_DEPTH, Scope
from corslint.model import Value

_TEMPLATE = re.compile(r"(?:^|[._-])(?:example|sample|template|dist|tpl|defaults?)(?:$|[._-])", re.IGNORECASE)


class DotenvOwner(Protocol):
    path: str

    def resolve(self, node: ast.expr, scope: Scope) -> Value: ...
    def real_path(self) -> str: ...
    def class_named(self, node: ast.expr) -> tuple[Any, ast.ClassDef] | None: ...


def dotenv_text(
    owner: DotenvOwner,
    class_def: ast.ClassDef,
    env_var: str,
    case_sensitive: bool,
    display: Callable[[Path], str],
    scope: Scope,
) -> Value | None:
    """The committed dotenv file's text for `env_var`, located at its line; None when the
    class names no such file or the file does not set it."""
    names = _env_files(owner, class_def, scope)
    if not names:
        return None
    root = project_root(owner.real_path())
    found: Value | None = None
    for name in names:
        file = (root / name).resolve()
        if Path(name).is_absolute() or _TEMPLATE.search(file.name) or is_development_path(display(file)):
            continue
        if not file.is_file() or ignored_file(file):
            continue
        values = _parsed(file, display(file))
        entries = values.raw if values is not None and isinstance(values.raw, dict) else {}
        for key, value in entries.items():
            if key == env_var or (not case_sensitive and key.upper() == env_var):
                found = value  # a later file, or a later line, wins
    if found is None or "$" in str(found.raw):
        return None
    return found


def _env_files(owner: DotenvOwner, class_def: ast.ClassDef, scope: Scope) -> list[str]:
    """`env_file` of the class's settings configuration, or of its nearest base that sets it."""
    for node in _config_values(class_def, "env_file"):
        value = owner.resolve(node, scope.deeper())
        if not value.known:
            return []
        raw = value.raw
        items = (
            [item.raw if isinstance(item, Value) else item for item in raw]
            if isinstance(raw, tuple)
            else [raw]
        )
        return (
            [item for item in items if isinstance(item, str)]
            if all(isinstance(i, str) for i in items)
            else []
        )
    if scope.depth < MAX_DEPTH:
        for base in class_def.bases:
            found = owner.class_named(base)
            if found is not None and found[1] is not class_def:
                return _env_files(found[0], found[1], scope.deeper())
    return []


def _config_values(class_def: ast.ClassDef, key: str) -> list[ast.expr]:
    """`model_config = SettingsConfigDict(key=...)` / `{"key": ...}`, or `class Config: key = ...`."""
    found: list[ast.expr] = []
    for statement in class_def.body:
        if isinstance(statement, ast.ClassDef) and statement.name == "Config":
            found += [
                item.value
                for item in statement.body
                if isinstance(item, ast.Assign)
                and len(item.targets) == 1
                and isinstance(item.targets[0], ast.Name)
                and item.targets[0].id == key
            ]
            continue
        target: ast.expr | None = None
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target = statement.targets[0]
        elif isinstance(statement, ast.AnnAssign):
            target = statement.target
        if not (isinstance(target, ast.Name) and target.id == "model_config"):
            continue
        config = statement.value if isinstance(statement, (ast.Assign, ast.AnnAssign)) else None
        if isinstance(config, ast.Call):
            found += [kw.value for kw in config.keywords if kw.arg == key]
        elif isinstance(config, ast.Dict):
            found += [
                v
                for k, v in zip(config.keys, config.values, strict=True)
                if isinstance(k, ast.Constant) and k.value == key
            ]
    return found
