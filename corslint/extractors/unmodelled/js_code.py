"""JS/TS files that import a CORS library corslint does not model."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from corslint.extractors.context import ProjectContext
from corslint.extractors.js.package_versions import installed_major
from corslint.extractors.js.syntax import Node, parser, string_value, walk
from corslint.extractors.unmodelled.framework_helpers import (
    H3_CORS,
    auto_imported_call,
    helper_call,
    helper_library,
)
from corslint.extractors.unmodelled.libraries import JS_LIBRARIES, library_of, message
from corslint.frameworks.fastify_cors_versions import LEGACY_MAJORS, LEGACY_PACKAGE
from corslint.model import Diagnostic, Extraction, Location

_IMPORTING_CALLS = frozenset({"require", "import"})


def extract(path: str, text: str, context: ProjectContext) -> Extraction:
    data = text.encode("utf-8")
    tree = parser(PurePosixPath(path).suffix).parse(data)
    found: dict[str, Location] = {}
    for specifier, imported in _imported(tree.root_node):
        node = imported
        if library_of(specifier, JS_LIBRARIES) is None and helper_library(specifier, imported) is not None:
            node = helper_call(tree.root_node, specifier) or imported
        where = Location(
            path,
            node.start_point[0] + 1,
            _column(data, node.start_byte),
            node.end_point[0] + 1,
            _column(data, node.end_byte),
        )
        library = library_of(specifier, JS_LIBRARIES) or helper_library(specifier, imported)
        if library is not None and library.display == LEGACY_PACKAGE and _modelled_legacy(path):
            continue
        if library is not None and library.display not in found:
            found[library.display] = where
    auto = auto_imported_call(tree.root_node) if H3_CORS.display not in found else None
    if auto is not None:  # a Nuxt / Nitro server file: h3's helpers are auto-imported
        found[H3_CORS.display] = Location(
            path,
            auto.start_point[0] + 1,
            _column(data, auto.start_byte),
            auto.end_point[0] + 1,
            _column(data, auto.end_byte),
        )
    notes = [Diagnostic("CORS003", message(_BY_DISPLAY[name]), where) for name, where in found.items()]
    return Extraction(diagnostics=tuple(notes))


def _modelled_legacy(path: str) -> bool:
    """Whether the project installs a fastify-cors major extractors/express models (6.x)."""
    return installed_major(Path(path), LEGACY_PACKAGE) in LEGACY_MAJORS


_BY_DISPLAY = {library.display: library for library in (*JS_LIBRARIES, H3_CORS)}


def _column(data: bytes, offset: int) -> int:
    line_start = data.rfind(b"\n", 0, offset) + 1
    return len(data[line_start:offset].decode("utf-8", "replace")) + 1


def _imported(root: Node) -> list[tuple[str, Node]]:
    """Each module specifier imported (`import`, `export ... from`, `require`, `import()`),
    with the node that names it."""
    out: list[tuple[str, Node]] = []
    for node in walk(root):
        kind = node.type
        if kind in {"import_statement", "export_statement"}:
            source = node.child_by_field_name("source")
            specifier = string_value(source) if source is not None else None
            if specifier is not None:
                out.append((specifier, node))
        elif kind == "call_expression":
            function = node.child_by_field_name("function")
            arguments = node.child_by_field_name("arguments")
            if function is None or arguments is None or function.text.decode() not in _IMPORTING_CALLS:
                continue
            first = arguments.named_children[0] if arguments.named_children else None
            specifier = string_value(first) if first is not None else None
            if specifier is not None:
                out.append((specifier, node))
    return out
