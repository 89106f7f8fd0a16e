"""CORS headers an `http.server` handler takes from another module of the project:
`for name, value in cors_headers().items(): self.send_header(name, value)`, with
`cors_headers()` (or a `CORS_HEADERS` constant) defined in a shared `utils/cors.py`.
Vercel's Python functions are written so, one `handler` class per file under `api/`.

Such a handler module names no `Access-Control-*` header itself, so only the module that
defines the headers is read (the run's byte prefilter); its extraction reads each handler
module that imports them. A handler module that names a header itself is read on its
own, and one that imports headers from several modules is read from the first of them
(by path), so each handler is one layer."""

from __future__ import annotations

import ast
from collections.abc import Callable

from corslint.extractors.context import ProjectContext
from corslint.extractors.python import PythonModule
from corslint.extractors.python_headers.http_server_units import http_server_units, uses_http_server
from corslint.extractors.python_headers.imported_header_names import header_source
from corslint.extractors.python_headers.project_scan import modules_mentioning
from corslint.extractors.python_headers.server_units import tornado_units
from corslint.extractors.python_headers.tree_index import header_constants
from corslint.extractors.python_headers.unit import ACCESS_CONTROL, Function, Unit, writes_cors

_NEEDLES = ("Access-Control-", "access-control-")  # the python_headers extractor's (extractors/__init__.py)


def importing_handlers(module: PythonModule, context: ProjectContext) -> list[Unit]:
    """The http.server handlers of other modules that write the headers `module` defines."""
    names = [
        node.name
        for node in module.tree.body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and writes_cors(module, node)
    ]
    names += sorted(header_constants(module, ACCESS_CONTROL))
    units: list[Unit] = []
    seen: set[str] = set()
    for name in names:
        for framework, uses, units_of in _FRAMEWORKS:
            for other in modules_mentioning(module, context, name.encode(), framework):
                if other.path in seen or not uses(other) or any(n in other.text for n in _NEEDLES):
                    continue
                sources = [header_source(other, imported) for imported in other.imports]
                first = min((s.path for s in sources if s is not None), default=None)
                if first != module.path:
                    continue
                seen.add(other.path)
                units += units_of(other, set())
    return units


def _uses_tornado(module: PythonModule) -> bool:
    return any(q == "tornado" or q.startswith("tornado.") for q in module.imports.values())


# a Tornado base handler writing `self.set_header(HEADER_ALLOW_ORIGIN, HEADER_ALLOW_ORIGIN_VALUE)`
# with both imported from the project's `constants.py`, as the http.server handlers above
_FRAMEWORKS: tuple[
    tuple[bytes, Callable[[PythonModule], bool], Callable[[PythonModule, set[Function]], list[Unit]]], ...
] = (
    (b"http.server", uses_http_server, http_server_units),
    (b"tornado", _uses_tornado, tornado_units),
)
