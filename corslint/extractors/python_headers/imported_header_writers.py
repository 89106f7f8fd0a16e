"""Flask helpers that write a headers constant defined in another module onto the
responses they make (mxaxaxbx/freelance app/app/ext/rest/rest.py: every `Rest.response*`
does `res = make_response(...)`, then `res.headers.extend(CORS_HEADERS or {})`, with
`CORS_HEADERS` in ext/rest/cors.py). The helper module names no `Access-Control-*`
header, so the run's prefilter never hands it over: it is read from the module that
defines the constant, like the http.server handlers of imported_headers.py.

Helpers of one module that write the same constant are copies of one layer: the first
(in source order) stands for them, so the project gets one policy, not one per helper."""

from __future__ import annotations

import ast

from corslint.extractors.context import ProjectContext
from corslint.extractors.python import PythonModule
from corslint.extractors.python_headers.flask_callers import sole_flask_cors_app
from corslint.extractors.python_headers.imported_header_names import header_source
from corslint.extractors.python_headers.project_scan import modules_mentioning
from corslint.extractors.python_headers.responses import HEADER_METHODS
from corslint.extractors.python_headers.tree_index import header_constants
from corslint.extractors.python_headers.unit import (
    ACCESS_CONTROL,
    Function,
    Phase,
    Unit,
    functions_in,
    module_kinds,
)

_NEEDLES = ("Access-Control-", "access-control-")  # the python_headers extractor's prefilter


def importing_flask_helpers(module: PythonModule, context: ProjectContext) -> list[Unit]:
    units: list[Unit] = []
    for name in sorted(header_constants(module, ACCESS_CONTROL)):
        for other in modules_mentioning(module, context, name.encode(), b"flask"):
            if any(n in other.text for n in _NEEDLES) or module_kinds(other) != ["flask"]:
                continue
            local = next((k for k, q in other.imports.items() if q.rsplit(".", 1)[-1] == name), None)
            if local is None or header_source(other, local) is not module:
                continue
            writers = [f for f in functions_in(other.tree) if _writes_made_response(f, local)]
            if not writers:
                continue
            first = writers[0]
            more = f" and {len(writers) - 1} more" if len(writers) > 1 else ""
            phase = Phase(other, first, requests=frozenset({"request"}) & set(other.imports))
            unit = Unit(
                "flask", "helper", other.location(first), [phase], "unknown", f"helper {first.name}(){more}"
            )
            unit.app = sole_flask_cors_app(other, context) or ""
            unit.beside_library = bool(unit.app)
            units.append(unit)
    return units


def _writes_made_response(function: Function, constant: str) -> bool:
    """`x.headers.extend(CONSTANT ...)`, `.update(...)`, `x.headers = ...`: the constant
    handed to a response's header methods."""
    for node in ast.walk(function):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in HEADER_METHODS
            and isinstance(node.func.value, ast.Attribute)
            and node.func.value.attr == "headers"
            and any(isinstance(n, ast.Name) and n.id == constant for a in node.args for n in ast.walk(a))
        ):
            return True
    return False
