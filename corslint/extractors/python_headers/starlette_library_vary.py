"""A hand-written Starlette middleware on an app that Starlette's CORSMiddleware is added to
as well: the middleware's `Vary` is not the whole story (CORS107).

Measured with Starlette 1.10 (tests/test_differential_starlette_library_vary.py):
CORSMiddleware adds `Vary: Origin` to every answer that is not a preflight it answers
(`MutableHeaders` `Vary` joined with "Origin", whatever the Origin and whether it admits
it), and answers preflights with a `Vary` naming Origin. So an answer the routes give
(`await call_next(request)`) reaches the browser with `Vary: Origin` whichever of the two
layers is outer, as long as the hand-written layer writes no `Vary` of its own (assigned,
it would replace the middleware's). An answer the hand-written layer makes itself as the
outer layer (its own OPTIONS or 401 answer) never passes the middleware.

The CORSMiddleware layer is found as the Starlette extractor finds it: an
`X.add_middleware(CORSMiddleware, ...)` whose layer (extractors/python/app_layers.py
`layer_of`: the receiver, the functions around it, the helpers' callers) has the
hand-written layer's app key, on no conditional code path and not for development only.

A route (a FastAPI/Starlette view, on an `APIRouter` whose app the reader does not follow)
that writes Allow-Origin on its own answer is inside every middleware of the app it is
mounted on: its answer passes CORSMiddleware, which joins "Origin" onto whatever `Vary` the
route wrote (measured, tests/test_differential_starlette_route_vary.py). The view gets
`library-vary-routes` evidence when the project (its test suite aside) has exactly one app
with CORSMiddleware and that app adds it on every path: unconditionally, or in both arms of
one `if`/`else` (Gahroot/the-tribunal, set 20), never for development only."""

from __future__ import annotations

import ast
from pathlib import Path

from corslint.extractors.context import ProjectContext
from corslint.extractors.development_paths import is_test_path
from corslint.extractors.python import PythonModule
from corslint.extractors.python.app_layers import layer_of
from corslint.extractors.python_headers.frame import dotted
from corslint.extractors.python_headers.project_scan import modules_mentioning
from corslint.extractors.python_headers.unit import Unit
from corslint.model import Evidence

# Evidence kind: the app's CORSMiddleware adds `Vary: Origin` to what the routes answer
LIBRARY_VARY = "library-vary"
# Evidence kind: a route's own answers pass the project's one CORSMiddleware app
LIBRARY_VARY_ROUTES = "library-vary-routes"


def note_library_vary(module: PythonModule, units: list[Unit], context: ProjectContext) -> None:
    """Give each hand-written Starlette middleware whose app has CORSMiddleware added
    unconditionally the `library-vary` evidence, located at that `add_middleware` call."""
    for unit in units:
        if unit.kind == "starlette" and unit.role == "view" and not unit.app:
            sole = _sole_library_app(module, context)
            if sole is not None:
                other, call = sole
                unit.options_status = "unknown"  # CORSMiddleware answers every preflight first
                unit.evidence = (
                    *unit.evidence,
                    Evidence(
                        LIBRARY_VARY_ROUTES,
                        "Starlette's CORSMiddleware, on the project's app, adds `Vary: Origin` to "
                        "every answer its routes give",
                        other.location(call),
                    ),
                )
            continue
        if unit.kind != "starlette" or unit.role != "middleware" or not unit.app:
            continue
        found = _library_layer(module, unit.app, context)
        if found is not None:
            other, call = found
            unit.evidence = (
                *unit.evidence,
                Evidence(
                    LIBRARY_VARY,
                    "Starlette's CORSMiddleware, on the same app, adds `Vary: Origin` to the "
                    "answers the routes give",
                    other.location(call),
                ),
            )


def _library_layer(
    module: PythonModule, app: str, context: ProjectContext
) -> tuple[PythonModule, ast.Call] | None:
    others = modules_mentioning(module, context, b"add_middleware", b"CORSMiddleware")
    for other in [module, *[m for m in others if m.path != module.path]]:
        if "CORSMiddleware" not in other.text:
            continue
        for call in other.calls:
            if not (
                isinstance(call.func, ast.Attribute)
                and call.func.attr == "add_middleware"
                and call.args
                and (other.qualified_name(call.args[0]) or "").endswith("middleware.cors.CORSMiddleware")
            ):
                continue
            layer = layer_of(other, call, dotted(call.func.value), call.func.value)
            if layer.app == app and not layer.branch and not layer.development_only:
                return other, call
    return None


def _library_calls(module: PythonModule, context: ProjectContext) -> list[tuple[PythonModule, ast.Call]]:
    others = modules_mentioning(module, context, b"add_middleware", b"CORSMiddleware")
    if not others:
        others = _from_importers(module, context)
    found: list[tuple[PythonModule, ast.Call]] = []
    for other in [module, *[m for m in others if m.path != module.path]]:
        if "CORSMiddleware" not in other.text or _in_test_suite(other, context):
            continue
        found += [
            (other, call)
            for call in other.calls
            if isinstance(call.func, ast.Attribute)
            and call.func.attr == "add_middleware"
            and call.args
            and (other.qualified_name(call.args[0]) or "").endswith("middleware.cors.CORSMiddleware")
        ]
    return found


def _in_test_suite(module: PythonModule, context: ProjectContext) -> bool:
    """A module of the test suite, named from the linted folder it is in (a fixture tree
    inside a `tests/` folder is not a test suite of its own)."""
    path = Path(module.real_path())
    root = next((r for r in context.linted_folders if path.is_relative_to(r)), None)
    return is_test_path(path.relative_to(root).as_posix() if root is not None else module.real_path())


def _from_importers(module: PythonModule, context: ProjectContext) -> list[PythonModule]:
    """A package with a project file of its own inside the linted folder (a monorepo's
    `packages/lead-capture/src/tribunal_lead_capture`): the linted folder's modules, when
    one outside the package imports it by name."""
    folder = Path(module.real_path()).parent
    if not (folder / "__init__.py").exists():
        return []
    while (folder.parent / "__init__.py").exists():
        folder = folder.parent
    root = next((r for r in context.linted_folders if folder.is_relative_to(r) and folder != r), None)
    if root is None:
        return []
    importers = modules_mentioning(module, context, folder.name.encode(), root=root)
    if not any(not Path(m.real_path()).is_relative_to(folder) for m in importers):
        return []
    return modules_mentioning(module, context, b"add_middleware", b"CORSMiddleware", root=root)


def _sole_library_app(module: PythonModule, context: ProjectContext) -> tuple[PythonModule, ast.Call] | None:
    """The first `add_middleware(CORSMiddleware, ...)` of the project's one app with it, when
    every path of that app adds it (None for two apps, a lone conditional one, a dev-only one)."""
    calls = _library_calls(module, context)
    layers = [
        layer_of(other, call, dotted(call.func.value), call.func.value)
        for other, call in calls
        if isinstance(call.func, ast.Attribute)
    ]
    if (
        not layers
        or len({layer.app for layer in layers}) != 1
        or any(layer.development_only for layer in layers)
    ):
        return None
    branches = {layer.branch for layer in layers}
    if "" in branches:
        return calls[0]
    arms = [branch.split("@", 1) for branch in branches if "/" not in branch]
    if (
        len(arms) == len(branches) == 2
        and {a for a, _ in arms} == {"if", "else"}
        and len({n for _, n in arms}) == 1
    ):
        return calls[0]
    return None
