"""The methods a function that returns response objects visibly serves, as routes for the
rules that judge preflights (CORS202, CORS206): a Next.js route file's method exports, a
Pages Function's own method, or, for a handler that answers every method, GET and POST
plus each method its code tests for (`if (req.method === 'DELETE')`, `case "PUT":`). A
Supabase edge function that answers OPTIONS without Allow-Methods and reads a JSON body
serves POST, whose preflight passes (seen in Slydoxx/entretien-par-ia
`supabase/functions/generate-job-description/index.ts`)."""

from __future__ import annotations

import re

from corslint.extractors.express.hono_fetch_middleware import hono_middleware_routes
from corslint.extractors.js.module import JsModule
from corslint.extractors.js.syntax import Node
from corslint.model import Route

_TESTED = re.compile(
    r"""(?:\.method|\.httpMethod|\bmethod)\s*(?:\.toUpperCase\(\)\s*)?[!=]==?\s*['"`]([A-Za-z]+)['"`]"""
    r"""|['"`]([A-Za-z]+)['"`]\s*[!=]==?\s*[\w$.]*method\b"""
)
_CASE = re.compile(r"""\bcase\s+['"`]([A-Z]+)['"`]\s*:""")
_METHOD_SWITCH = re.compile(r"switch\s*\([^)]*(?:method|httpMethod)[^)]*\)", re.IGNORECASE)
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"})


def served_routes(module: JsModule, functions: list[tuple[Node, str]], path: str) -> tuple[Route, ...]:
    """One route per function: its declared method, else GET, POST and the methods tested."""
    routes: list[Route] = []
    for function, method in functions:
        location = module.location(function)
        if not method and (used := hono_middleware_routes(module, function)) is not None:
            routes += used  # a Hono middleware answering with Fetch Responses: the app's routes
            continue
        if method and not method.startswith("!"):  # "!OPTIONS": a catch-all beside its OPTIONS
            methods = ("GET", "HEAD") if method == "GET" else (method,)
            routes.append(Route(path, methods, location))
            continue
        text = module.text(function)
        tested = {
            next(group for group in found.groups() if group).upper() for found in _TESTED.finditer(text)
        }
        if _METHOD_SWITCH.search(text):  # `switch (req.method) { case "PUT": ... }`
            tested |= {found.group(1) for found in _CASE.finditer(text)}
        routes.append(Route(path, tuple(sorted({"GET", "POST"} | (tested & _METHODS))), location))
    return tuple(routes)
