"""Whether a module of Flask hooks and views ever runs. A module that registers its
hooks on an app it imports (`from src import app`, then `@app.after_request`) registers
them only when something imports it; one that no module of the project names (and that
is no script of its own) is dead code: its headers are never sent, so nothing in it is
judged. Seen in real code as a leftover `config_cors.py` beside an app that uses
Flask-CORS (iDylaan/AppFullstackRecuperacionErika)."""

from __future__ import annotations

import ast
import re
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


# packages whose own modules are named like a project's CORS module (`fastapi.middleware.cors`)
_LIBRARY_ROOTS = frozenset(
    {"starlette", "fastapi", "flask", "flask_cors", "werkzeug", "django", "corsheaders", "sanic", "sanic_ext"}
)
_APP_MAKERS = ("FastAPI(", "Starlette(", "APIRouter(")


def dead_starlette_module(module: PythonModule, context: ProjectContext) -> bool:
    """A module of hand-written Starlette CORS code (a middleware class, a setup helper, a
    decorator) that makes no app or router and that no module of the project imports:
    nothing in it ever runs (Alexloi4071/Crypto-Quant-Trading-Copy api/middleware/cors.py
    beside an api/main.py that imports only `fastapi.middleware.cors`, census 6 P2)."""
    if module.project is None or any(marker in module.text for marker in (*_SCRIPT_MARKERS, *_APP_MAKERS)):
        return False
    if "access-control-" not in module.text.lower():
        return False  # no hand-written CORS code to leave out: spare the project search
    stem = Path(module.path).stem
    if stem == "__init__" or not stem.isidentifier():
        return False
    if len(listing(project_root(module.path, LEVELS), context)) >= MAX_FILES:
        return False
    for other in modules_mentioning(module, context, stem.encode()):
        names = [*other.imports.values(), *other.nested_imports.values(), *other.star_imports]
        for qualified in names:
            parts = qualified.lstrip(".").split(".")
            if stem in parts and (qualified.startswith(".") or parts[0] not in _LIBRARY_ROOTS):
                return False
        if re.search(rf"import\s+{stem}\b|import_module\(|__import__\(", other.text):
            return False  # `from . import cors`, or an import by name the tables do not hold
    return True
