"""Falcon's hand-written CORS layers: middleware classes whose `process_request(req, resp)`,
`process_resource(req, resp, resource, params)` and `process_response(req, resp,
resource, req_succeeded)` write `resp.set_header(...)`.

Measured with Falcon 4.4: the three run in that order (`process_resource` only for a
routed request); a routed resource without `on_options` answers OPTIONS itself (200,
`Allow`); `raise HTTPStatus(falcon.HTTP_200)` or `resp.complete = True` in
`process_request` answers at once, and `process_response` still runs; `set_header`
sends `str(value)` (`None` as `None`)."""

from __future__ import annotations

import ast

from corslint.extractors.python import PythonModule
from corslint.extractors.python_headers.frame import Alternative
from corslint.extractors.python_headers.unit import (
    Function,
    Unit,
    method_parameters,
    request_response_phase,
    writes_cors,
)
from corslint.model import Value

DEFAULT_OPTIONS = 200  # Falcon's default OPTIONS responder
_ORDER = ("process_request", "process_resource", "process_response")


def falcon_units(module: PythonModule, covered: set[Function]) -> list[Unit]:
    units: list[Unit] = []
    for node in ast.walk(module.tree):
        if not isinstance(node, ast.ClassDef) or not writes_cors(module, node):
            continue
        methods = {f.name: f for f in node.body if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))}
        phases = []
        for name in _ORDER:
            function = methods.get(name)
            names = method_parameters(function) if function is not None else []
            if function is None or len(names) < 2:
                continue
            phase = request_response_phase(module, function, names, node)
            if name == "process_response" and len(names) >= 4:
                # `req_succeeded`: the responder did not raise, as for every request judged
                where = module.location(function)
                phase.values[names[3]] = [Alternative((), Value(True, where))]
            phases.append(phase)
        if not phases:
            continue
        covered.update(methods.values())
        units.append(
            Unit(
                "falcon",
                "middleware",
                module.location(node),
                phases,
                DEFAULT_OPTIONS,
                f"middleware {node.name}",
            )
        )
    return units
