"""Star imports a module makes inside a module-level `try:` (secure-file-share/api
securefileshare/settings.py: `try: from .cors_settings import * except Exception: print(...)`).

Python runs them like any other import: when the module is in the tree, its names are
bound. The one kind left out is a local override named for development
(`try: from .local_settings import * except ImportError: pass`): such a file is usually
kept out of the repository, and where one is committed it configures a developer's machine,
not what the other settings give production (RULES.md, CORS106)."""

from __future__ import annotations

import ast
from pathlib import Path

from corslint.extractors.python.module import PythonModule
from corslint.extractors.python.project import is_development_path


def tried_star_imports(module: PythonModule) -> list[ast.ImportFrom]:
    """`from X import *` statements directly in the body of the module's `try:` blocks."""
    return [
        inner
        for statement in module.tree.body
        if isinstance(statement, ast.Try)
        for inner in statement.body
        if isinstance(inner, ast.ImportFrom) and any(alias.name == "*" for alias in inner.names)
    ]


def followed_star_import(module: PythonModule, statement: ast.ImportFrom) -> Path | None:
    """The in-tree module a tried star import binds the names of, or None where it is
    absent or a development override."""
    if module.project is None or not any(alias.name == "*" for alias in statement.names):
        return None
    path = module.project.find_module(module, "." * statement.level + (statement.module or ""))
    if path is None:
        return None
    # from a development module, any override is development configuration anyway
    if is_development_path(_named(module, path)) and not is_development_path(module.path):
        return None
    return path


def _named(module: PythonModule, path: Path) -> str:
    """The imported module's path as the project shows it (so that the checkout's own
    folders do not count as a development name)."""
    assert module.project is not None
    return module.project.display_path(module.path, path)
