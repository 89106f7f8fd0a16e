"""Python files that import or configure a CORS library corslint does not model."""

from __future__ import annotations

import ast

from corslint.extractors.context import ProjectContext
from corslint.extractors.python import PythonModule
from corslint.extractors.unmodelled.libraries import (
    BLACKSHEEP_CORS,
    PYTHON_LIBRARIES,
    ROBYN_CORS,
    SANIC_EXT_CORS,
    UnmodelledLibrary,
    library_of,
    message,
)
from corslint.model import Diagnostic, Extraction, Location


def extract(path: str, text: str, context: ProjectContext) -> Extraction:
    module = context.python.parse(path, text)
    found: dict[str, Location] = {}  # one note per library and file, at its first mention
    frameworks = _frameworks_imported(module)
    for node in ast.walk(module.tree):
        library = _library_named(module, node) or _framework_cors(node, frameworks)
        if library is not None and library.display not in found:
            found[library.display] = module.location(node)
    notes = (Diagnostic("CORS003", _message_for(name), where) for name, where in found.items())
    return Extraction(diagnostics=tuple(sorted(notes, key=lambda d: (d.location.line, d.location.column))))


_BY_DISPLAY = {
    library.display: library for library in (*PYTHON_LIBRARIES, ROBYN_CORS, BLACKSHEEP_CORS, SANIC_EXT_CORS)
}
# Sanic loads Sanic-Ext by itself once installed: a `sanic` import with `CORS_*` keys counts
_FRAMEWORKS = {
    "robyn": ROBYN_CORS,
    "blacksheep": BLACKSHEEP_CORS,
    "sanic_ext": SANIC_EXT_CORS,
    "sanic": SANIC_EXT_CORS,
}
_BLACKSHEEP_CALLS = frozenset({"use_cors", "add_cors_policy"})


def _message_for(display: str) -> str:
    return message(_BY_DISPLAY[display])


def _library_named(module: PythonModule, node: ast.AST) -> UnmodelledLibrary | None:
    if isinstance(node, ast.Import):
        for alias in node.names:
            library = library_of(alias.name, PYTHON_LIBRARIES)
            if library is not None:
                return library
        return None
    if isinstance(node, ast.ImportFrom) and node.module and not node.level:
        # `from flask_restful.utils import cors`: the imported name may be the library's module
        names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        return next(filter(None, (library_of(name, PYTHON_LIBRARIES) for name in names)), None)
    return None


def _frameworks_imported(module: PythonModule) -> frozenset[str]:
    """Which of the frameworks with built-in CORS the module imports (top package)."""
    names: set[str] = set()
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.partition(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.partition(".")[0])
    if "sanic_cors" in names:
        names -= {"sanic", "sanic_ext"}  # its `CORS_*` keys are Sanic-CORS's, noted as such
    return frozenset(names) & _FRAMEWORKS.keys()


def _framework_cors(node: ast.AST, frameworks: frozenset[str]) -> UnmodelledLibrary | None:
    """Where a framework's own CORS is configured: `ALLOW_CORS(app, ...)` from robyn,
    `app.use_cors(...)` with blacksheep."""
    if not frameworks:
        return None
    if isinstance(node, ast.Call):
        function = node.func
        name = function.id if isinstance(function, ast.Name) else getattr(function, "attr", "")
        if name == "ALLOW_CORS" and "robyn" in frameworks:
            return ROBYN_CORS
        if name in _BLACKSHEEP_CALLS and "blacksheep" in frameworks:
            return BLACKSHEEP_CORS
    # Sanic's `CORS_*` config keys: extractors.sanic_ext reads them, or notes them (CORS003)
    return None
