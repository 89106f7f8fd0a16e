"""A hand-written Falcon middleware class listed beside Falcon's own `CORSMiddleware` in
one middleware list (`falcon.App(middleware=[falcon.CORSMiddleware(...), Session()])`,
or a module-level `MIDDLEWARE = [...]` handed to the app): one app, two CORS layers
(CORS302).

Seen in ptenu/ptuhub (api/middleware/__init__.py lists `falcon.CORSMiddleware(...)` and
`auth.SessionManager()`, whose `process_response` in api/middleware/session.py writes
Access-Control-* headers too). The hand-written layer's policy gets the app key the Falcon
extractor gives that `CORSMiddleware(...)` call (`<resolved path>:<line>:<column>`)."""

from __future__ import annotations

import ast

from corslint.extractors.context import ProjectContext
from corslint.extractors.python import PythonModule
from corslint.extractors.python_headers.frame import dotted
from corslint.extractors.python_headers.project_scan import modules_mentioning
from corslint.extractors.python_headers.unit import Unit

LIBRARY_CLASSES = frozenset({"falcon.CORSMiddleware", "falcon.middleware.CORSMiddleware"})


def falcon_app_key(module: PythonModule, call: ast.Call) -> str:
    """The key the Falcon extractor gives the app a `CORSMiddleware(...)` call configures."""
    real = module.real_path()
    where = module.location(call)
    return f"{real}:{where.line}:{where.column}"


def key_to_falcon_app(module: PythonModule, units: list[Unit], context: ProjectContext) -> None:
    """The app key of the CORSMiddleware listed beside each hand-written middleware; and
    whether the middleware writes first (see `Phase.first_writer`)."""
    for unit in units:
        if unit.kind != "falcon" or unit.role != "middleware" or unit.app:
            continue
        owner = unit.phases[0].owner if unit.phases else None
        if owner is None:
            continue
        keys, first = _stacks(module, owner, context)
        if len(keys) == 1:
            unit.app = keys[0]
        for phase in unit.phases:
            phase.first_writer = first


def _stacks(module: PythonModule, owner: ast.ClassDef, context: ProjectContext) -> tuple[list[str], bool]:
    """The keys of the `CORSMiddleware(...)` calls listed with an instance of `owner`, and
    whether, in every list that holds one, no CORS writer comes after it: Falcon runs
    `process_response` in reverse list order, so it then writes before any other layer.
    Not known (False) where no list holds it or the project turns `cors_enable` on."""
    sites = [module, *modules_mentioning(module, context, owner.name.encode())]
    keys: set[str] = set()
    listed, first = False, True
    for site in sites:
        for node in ast.walk(site.tree):
            if not isinstance(node, (ast.List, ast.Tuple)):
                continue
            calls = [element for element in node.elts if isinstance(element, ast.Call)]
            places = [index for index, call in enumerate(calls) if _makes(site, module, owner, call.func)]
            if not places:
                continue
            listed = True
            library = [c for c in calls if (site.qualified_name(c.func) or "") in LIBRARY_CLASSES]
            keys.update(falcon_app_key(site, call) for call in library)
            after = calls[places[0] + 1 :]
            if any(c in library or _writes_cors(site, c.func) for c in after) or "cors_enable" in site.text:
                first = False
    if listed and modules_mentioning(module, context, b"cors_enable"):
        first = False
    return sorted(keys), listed and first


def _writes_cors(site: PythonModule, func: ast.expr) -> bool:
    """A project class whose code names an Access-Control-* header (or one not found)."""
    qualified = site.qualified_name(func) or dotted(func)
    if site.project is None:
        return True
    found = site.project.lookup(site, qualified) if "." in qualified else (site, qualified)
    if found is None:
        return not qualified.startswith("falcon.")  # another library's middleware: not known
    home, name = found
    node = next((n for n in home.tree.body if isinstance(n, ast.ClassDef) and n.name == name), None)
    return node is None or "access-control-" in home.source(node).lower()


def _makes(site: PythonModule, home: PythonModule, owner: ast.ClassDef, func: ast.expr) -> bool:
    """Whether `func(...)` in `site` makes an instance of the class `owner` of `home`."""
    if site is home:
        return dotted(func) == owner.name
    qualified = site.qualified_name(func)
    if not qualified or site.project is None or "." not in qualified:
        return False
    found = site.project.lookup(site, qualified)
    if found is None or found[1] != owner.name:
        return False
    return site.project.resolved(found[0].path) == site.project.resolved(home.path)
