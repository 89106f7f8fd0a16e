"""The methods of a Tornado base handler's subclasses defined in other modules, as its routes.

`class BaseHandler(RequestHandler)` writes the CORS headers in `set_default_headers`; the
handlers the app routes to extend it elsewhere (`class UsersHandler(BaseHandler)` in
handlers/users.py with `put` and `delete`: Lucasbrunoferreira/python-tornado-api-rest
handlers/base.py). Their verbs are what pages call, so CORS202 judges the base's
Allow-Methods against them. Read only when the base has no subclass in its own module
(server_units.py reads those), and left unknown when a subclass elsewhere answers OPTIONS
itself (its preflights are then that subclass's business) or defines no verb at all.
"""

from __future__ import annotations

import ast

from corslint.extractors.context import ProjectContext
from corslint.extractors.python_headers.frame import dotted
from corslint.extractors.python_headers.project_scan import modules_mentioning
from corslint.extractors.python_headers.unit import HTTP_VERBS, Unit
from corslint.model import Route

_MAX_SUBCLASSES = 40


def subclass_routes(unit: Unit) -> bool:
    """Whether `unit` is a Tornado handler whose routes should be read from other modules."""
    return unit.kind == "tornado" and unit.role == "handler" and unit.routes is None


def routes_of_subclasses(unit: Unit, context: ProjectContext) -> tuple[Route, ...] | None:
    owner = next((phase.owner for phase in unit.phases if phase.owner is not None), None)
    module = unit.phases[0].module if unit.phases else None
    if owner is None or module is None:
        return None
    routes: list[Route] = []
    seen = 0
    for other in modules_mentioning(module, context, owner.name.encode()):
        if other is module:
            continue
        for node in ast.walk(other.tree):
            if not isinstance(node, ast.ClassDef) or not any(
                dotted(base).rsplit(".", 1)[-1] == owner.name for base in node.bases
            ):
                continue
            seen += 1
            if seen > _MAX_SUBCLASSES:
                return None
            verbs = [
                f
                for f in node.body
                if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)) and f.name in HTTP_VERBS
            ]
            if any(f.name == "options" for f in verbs):
                return None  # that handler answers its own preflights
            routes.extend(Route("/", (f.name.upper(),), other.location(f)) for f in verbs)
    return tuple(routes) or None
