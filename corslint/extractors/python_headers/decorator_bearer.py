"""Token authentication read by a project decorator the layer's own handlers wear: an
aiohttp class whose routes are wrapped in `@parameter_matcher`, imported from a project
module that reads `request.headers[AUTHORIZATION]` (aiohttp.hdrs) to fill a bearer token
argument (bogonets/answer core/recc/http/http_parameter.py). The API then takes tokens,
so its preflights must allow Authorization (CORS204)."""

from __future__ import annotations

import ast
import re

from corslint.extractors.python import PythonModule
from corslint.model import Evidence, Location

_READ = r"""(?:headers\.get\(\s*|headers\[\s*)(?:['"]authorization['"]|{names})"""
_LITERAL = re.compile(_READ.format(names="(?!)"), re.IGNORECASE)
_CONSTANT = "aiohttp.hdrs.AUTHORIZATION"


def decorator_bearer(module: PythonModule) -> tuple[Evidence, ...]:
    """Evidence of a bearer header read in a project module whose decorator this module's
    functions wear."""
    if module.project is None:
        return ()
    used = {
        target.id
        for node in ast.walk(module.tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        for d in node.decorator_list
        if isinstance(target := d.func if isinstance(d, ast.Call) else d, ast.Name)
    }
    for name in sorted(used):
        qualified = module.imports.get(name)
        found = module.project.lookup(module, qualified) if qualified else None
        if found is None:
            continue
        other = found[0]
        constants = [local for local, q in other.imports.items() if q == _CONSTANT]
        pattern = (
            re.compile(_READ.format(names="|".join(map(re.escape, constants))), re.IGNORECASE)
            if constants
            else _LITERAL
        )
        hit = pattern.search(other.text)
        if hit is not None:
            line = other.text.count("\n", 0, hit.start()) + 1
            where = Location.point(other.path, line)
            return (Evidence("bearer-auth", f"the Authorization request header (@{name})", where),)
    return ()
