"""Whether a module of Flask hooks and views ever runs. A module that registers its
hooks on an app it imports (`from src import app`, then `@app.after_request`) registers
them only when something imports it; one that no module of the project names (and that
is no script of its own) is dead code: its headers are never sent, so nothing in it is
judged. Seen in real code as a leftover `config_cors.py` beside an app that uses
Flask-CORS (iDylaan/AppFullstackRecuperacionErika)."""

from __future__ import annotations

import ast
from pathlib import Path

from corslint.extractors.context import ProjectContext
from corslint.extractors.python import PythonModule
from corslint.extractors.python.project_files import project_root
from corslint.extractors.python_headers.frame import dotted
from corslint.extractors.python_headers.project_scan import LEVELS, MAX_FILES, listing, modules_mentioning
from corslint.extractors.python_headers.unit import functions_in

_REGISTERING = frozenset({"after_request", "before_request", "after_app_request", "before_app_request"})
_ROUTING = frozenset({"route", "get", "post", "put", "patch", "delete"})
# names a module is started by rather than imported as
_SCRIPT_MARKERS = ("__main__", ".run(")


def never_imported(module: PythonModule, context: ProjectContext) -> bool:
    """A module whose Flask hooks and views all sit on apps or blueprints imported from
    the project's other modules, that no other Python file of the project mentions by
    name, and that runs nothing as a script."""
    if module.project is None or any(marker in module.text for marker in _SCRIPT_MARKERS):
        return False
    receivers = _decorated_receivers(module)
    if not receivers or not all(_borrowed(module, name) for name in receivers):
        return False
    stem = Path(module.path).stem
    if stem == "__init__":
        stem = Path(module.path).parent.name
    if not stem.isidentifier():
        return False
    root = project_root(module.path, LEVELS)
    if len(listing(root, context)) >= MAX_FILES:
        return False  # the search stops there: the importer may lie beyond it
    return not modules_mentioning(module, context, stem.encode())


def _decorated_receivers(module: PythonModule) -> set[str]:
    found: set[str] = set()
    for function in functions_in(module.tree):
        for decorator in function.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            receiver, _, attribute = dotted(target).rpartition(".")
            if attribute in _REGISTERING | _ROUTING and receiver:
                found.add(receiver)
    return found


def _borrowed(module: PythonModule, receiver: str) -> bool:
    """An app named by an import of the project's own (or Flask's `current_app`)."""
    if "." in receiver or receiver not in module.imports:
        return False
    qualified = module.imports[receiver]
    if qualified in {"flask.current_app", "flask.globals.current_app"}:
        return True
    return module.import_target(qualified) is not None
