"""Settings read through a settings package's dynamic names:
`prefect.settings.PREFECT_SERVER_CORS_ALLOWED_ORIGINS.value()`.

The package binds no such name: a module-level `__getattr__` makes an accessor object for
it, whose `.value()` reads the pydantic-settings field the environment variable of that
name fills. corslint reads it as that field's default, while the variable is unset, when
exactly one field in the package's own files names the variable (case-insensitively) in
its `alias` / `validation_alias` (`AliasChoices(...)` included) and gives a default
(`Field(default=...)` or `Field(<default>, ...)`). Anything else stays unknown.
"""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

from corslint.extractors.python.module import CALL_HOOKS, PythonModule
from corslint.extractors.python.scope import Scope
from corslint.extractors.python.syntax import dotted_name
from corslint.extractors.python.values import as_env_default
from corslint.model import Provenance, Value

_SETTING_NAME = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")
_ALIAS_KEYWORDS = frozenset({"alias", "validation_alias"})
_MAX_FILES = 400


def setting_accessor_hook(module: PythonModule, call: ast.Call, qualified: str, scope: Scope) -> Value | None:
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr == "value") or call.args or call.keywords:
        return None
    target = func.value
    name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
    if not _SETTING_NAME.fullmatch(name) or module.project is None:
        return None
    dotted = module.qualified_name(target)
    found = module.project.lookup(module, dotted) if dotted and "." in dotted else None
    if found is None:
        return None
    package, attribute = found
    if attribute != name or name in package.assignments or "__getattr__" not in package.functions:
        return None
    fields = list(_fields_named(package, name))
    if len(fields) != 1:
        return None
    owner, default = fields[0]
    value = owner.resolve(default, scope.deeper())
    return as_env_default(value, name, module.location(call), Provenance.SETTINGS_DEFAULT)


def _fields_named(package: PythonModule, name: str) -> list[tuple[PythonModule, ast.expr]]:
    """The `Field(...)` defaults of class fields that take the variable `name`."""
    assert package.project is not None
    here = Path(package.real_path())
    folder = here.parent
    wanted = name.lower()
    needle = wanted.encode()
    found: list[tuple[PythonModule, ast.expr]] = []
    seen = 0
    for directory, folders, files in os.walk(folder):
        folders[:] = sorted(f for f in folders if not f.startswith((".", "__")))
        for file in sorted(files):
            if not file.endswith(".py"):
                continue
            seen += 1
            if seen > _MAX_FILES:
                return []
            path = Path(directory) / file
            try:
                if needle not in path.read_bytes().lower():
                    continue
            except OSError:
                continue
            module = package.project.module_at(path, package.project.display_path(package.path, path))
            if module is None:
                continue
            found += [(module, default) for default in _defaults_for(module.tree, wanted)]
    return found


def _defaults_for(tree: ast.Module, wanted: str) -> list[ast.expr]:
    defaults: list[ast.expr] = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.ClassDef)):
            continue
        for statement in node.body:
            value = statement.value if isinstance(statement, ast.AnnAssign) else None
            if not (isinstance(value, ast.Call) and dotted_name(value.func).split(".")[-1] == "Field"):
                continue
            aliases = [kw.value for kw in value.keywords if kw.arg in _ALIAS_KEYWORDS]
            if not any(_names(alias, wanted) for alias in aliases):
                continue
            default = next((kw.value for kw in value.keywords if kw.arg == "default"), None)
            if default is None and value.args and not _is_ellipsis(value.args[0]):
                default = value.args[0]
            if default is None:
                return [ast.Constant(...), ast.Constant(...)]  # required or a factory: not one default
            defaults.append(default)
    return defaults


def _names(alias: ast.expr, wanted: str) -> bool:
    return any(
        isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.lower() == wanted
        for node in ast.walk(alias)
    )


def _is_ellipsis(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is Ellipsis


CALL_HOOKS.append(setting_accessor_hook)
