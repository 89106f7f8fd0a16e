"""Python files that import or configure a CORS library corslint does not model."""

from __future__ import annotations

import ast

from corslint.extractors.context import ProjectContext
from corslint.extractors.python import PythonModule
from corslint.extractors.unmodelled.libraries import (
    PYTHON_LIBRARIES,
    UnmodelledLibrary,
    library_of,
    message,
)
from corslint.model import Diagnostic, Extraction, Location


def extract(path: str, text: str, context: ProjectContext) -> Extraction:
    module = context.python.parse(path, text)
    found: dict[str, Location] = {}  # one note per library and file, at its first mention
    for node in ast.walk(module.tree):
        library = _library_named(module, node)
        if library is not None and library.display not in found:
            found[library.display] = module.location(node)
    notes = (Diagnostic("CORS003", _message_for(name), where) for name, where in found.items())
    return Extraction(diagnostics=tuple(sorted(notes, key=lambda d: (d.location.line, d.location.column))))


_BY_DISPLAY = {library.display: library for library in PYTHON_LIBRARIES}


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
        return library_of(node.module, PYTHON_LIBRARIES)
    return None
