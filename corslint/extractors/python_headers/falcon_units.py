"""Falcon's hand-written CORS layers: middleware classes whose `process_request(req, resp)`,
`process_resource(req, resp, resource, params)` and `process_response(req, resp,
resource, req_succeeded)` write `resp.set_header(...)`.

Measured with Falcon 4.4: the three run in that order (`process_resource` only for a
routed request); a routed resource without `on_options` answers OPTIONS itself (200,
`Allow`); `raise HTTPStatus(falcon.HTTP_200)` or `resp.complete = True` in
`process_request` answers at once, and `process_response` still runs; `set_header`
sends `str(value)` (`None` as `None`). The default OPTIONS responder's `Allow` lists the
resource's responders, sorted (`", ".join`), without OPTIONS: a middleware copying it into
Allow-Methods (Falcon's FAQ recipe, `allow = resp.get_header("Allow")`) sends that list,
known where every resource the project routes has the same responders."""

from __future__ import annotations

import ast

from corslint.extractors.context import ProjectContext
from corslint.extractors.python import PythonModule
from corslint.extractors.python_headers.frame import Alternative
from corslint.extractors.python_headers.project_scan import modules_mentioning
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


def falcon_units(
    module: PythonModule, covered: set[Function], context: ProjectContext | None = None
) -> list[Unit]:
    units: list[Unit] = []
    responders: tuple[str, ...] | bool | None = False  # False: not looked up yet
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
        if responders is False:
            responders = _routed_responders(module, context)
        units.append(
            Unit(
                "falcon",
                "middleware",
                module.location(node),
                phases,
                DEFAULT_OPTIONS,
                f"middleware {node.name}",
                route_methods=responders if isinstance(responders, tuple) else None,
            )
        )
    return units


def _routed_responders(module: PythonModule, context: ProjectContext | None) -> tuple[str, ...] | None:
    """The methods of the resources `app.add_route(path, Resource())` routes in this module
    and the project's others, when they are all the same (else None)."""
    sites = [module]
    if context is not None:
        sites += [m for m in modules_mentioning(module, context, b"add_route") if m.path != module.path]
    found: set[tuple[str, ...]] = set()
    for site in sites:
        for call in site.calls:
            if not (isinstance(call.func, ast.Attribute) and call.func.attr == "add_route"):
                continue
            if len(call.args) != 2 or call.keywords or not isinstance(call.args[1], ast.Call):
                return None  # `suffix=`, a resource made elsewhere: not known here
            resource = _class_of(site, call.args[1].func)
            if resource is None:
                return None
            found.add(
                tuple(
                    sorted(
                        f.name[3:].upper()
                        for f in resource.body
                        if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
                        and f.name.startswith("on_")
                        and f.name[3:].upper() in _VERBS
                    )
                )
            )
    return next(iter(found)) if len(found) == 1 else None


_VERBS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "CONNECT", "TRACE"})


def _class_of(site: PythonModule, node: ast.expr) -> ast.ClassDef | None:
    """The project class a name stands for (a base class's responders are not read)."""
    if isinstance(node, ast.Name):
        local = next((c for c in site.tree.body if isinstance(c, ast.ClassDef) and c.name == node.id), None)
        if local is not None:
            return local if all(isinstance(b, ast.Name) and b.id == "object" for b in local.bases) else None
    qualified = site.qualified_name(node) or ""
    if site.project is None or "." not in qualified:
        return None
    found = site.project.lookup(site, qualified)
    if found is None:
        return None
    home, name = found
    cls = next((c for c in home.tree.body if isinstance(c, ast.ClassDef) and c.name == name), None)
    if cls is None or not all(isinstance(b, ast.Name) and b.id == "object" for b in cls.bases):
        return None
    return cls
