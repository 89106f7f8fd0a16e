"""A module of `CORS_*` settings that a Django settings module imports as a module
(`from config import cros_settings`, `import config.cors`) instead of star-importing it:
the import binds one name, the module, and none of its settings, so django-cors-headers
never sees them (CORS303). Said at the module's first CORS setting, unless the settings
module reads them through the module's name (`CORS_ALLOWED_ORIGINS = cors.ORIGINS`). Such a
module is no settings entry point of its own: nothing else is judged in it."""

from __future__ import annotations

import ast
from pathlib import Path

from corslint.extractors.context import ProjectContext
from corslint.extractors.django.identity import is_django_settings
from corslint.extractors.django.launchers import named_settings
from corslint.extractors.django.module_paths import display_path
from corslint.extractors.django.settings_chain import importers
from corslint.extractors.python import PythonModule
from corslint.frameworks.django_cors import SETTINGS
from corslint.model import Diagnostic

MAX_CANDIDATES = 200  # .py files of a folder read for an importer


def unbound_fragment(context: ProjectContext, path: str, text: str) -> tuple[Diagnostic, ...]:
    """The same for a module that does not look like settings itself (`cors.py`)."""
    if not any(name in text for name in SETTINGS):
        return ()
    return unbound_settings(context, context.python.parse(path, text))


def unbound_settings(context: ProjectContext, module: PythonModule) -> tuple[Diagnostic, ...]:
    """CORS303 when a Django settings module beside `module` (or one folder up) imports it
    only as a module."""
    settings = [
        target
        for name in module.assignments
        if name in SETTINGS
        for target, _ in module.assignments[name]
        if isinstance(target, ast.Name)
    ]
    if not settings or importers(context, module):
        return ()
    if context.python.resolved(module.path) in named_settings(context, module):
        return ()
    found = _importer(context, module)
    if found is None:
        return ()
    importer, statement, bound, dotted = found
    first = min(settings, key=lambda target: (target.lineno, target.col_offset))
    message = (
        f"django-cors-headers: {importer.path} imports this module as a module "
        f"(`{importer.source(statement)}`, line {statement.lineno}), which binds only the name "
        f"`{bound}`: none of its CORS settings reach Django's settings, so they have no effect; "
        f"star-import it (`from {dotted} import *`) to apply them"
    )
    return (Diagnostic("CORS303", message, module.location(first)),)


def _importer(
    context: ProjectContext, module: PythonModule
) -> tuple[PythonModule, ast.stmt, str, str] | None:
    project = context.python
    here = project.resolved(module.path)
    if here.stem == "__init__":
        return None
    for folder in (here.parent, here.parent.parent):
        try:
            candidates = sorted(folder.glob("*.py"))[:MAX_CANDIDATES]
        except OSError:
            continue
        for candidate in candidates:
            if project.resolved(candidate) == here:
                continue
            try:
                data = candidate.read_bytes()
            except OSError:
                continue
            if here.stem.encode() not in data or b"import" not in data:
                continue
            other = project.module_at(candidate, display_path(module, candidate))
            if other is None or not is_django_settings(other):
                continue
            found = _module_import(other, here)
            if found is not None and not _read_through(other, found[1]):
                return other, *found
    return None


def _module_import(importer: PythonModule, here: Path) -> tuple[ast.stmt, str, str] | None:
    """The module-level statement of `importer` that imports the module at `here` as a
    module, the name it binds, and the module's dotted name there."""
    project = importer.project
    if project is None:
        return None
    for statement in importer.tree.body:
        if isinstance(statement, ast.ImportFrom):
            base = "." * statement.level + (statement.module or "")
            for alias in statement.names:
                if alias.name == "*":
                    continue
                dotted = f"{base}{alias.name}" if base.endswith(".") else f"{base}.{alias.name}"
                if _names(importer, dotted, here):
                    return statement, alias.asname or alias.name, dotted
        elif isinstance(statement, ast.Import):
            for alias in statement.names:
                if _names(importer, alias.name, here):
                    return statement, alias.asname or alias.name, alias.name
    return None


def _names(importer: PythonModule, dotted: str, here: Path) -> bool:
    assert importer.project is not None
    target = importer.project.find_module(importer, dotted)
    return target is not None and importer.project.resolved(target) == here


def _read_through(importer: PythonModule, bound: str) -> bool:
    """The settings module reads the imported module's attributes (`cors.ORIGINS`), or
    hands it on: its names may reach the settings after all."""
    root = bound.split(".")[0]
    for node in ast.walk(importer.tree):
        if isinstance(node, ast.Name) and node.id == root and isinstance(node.ctx, ast.Load):
            return True
    return False
