"""The routes a path-mounted middleware covers in the module that registers it: Hono's
`app.use('/api/*', cors({allowMethods: [...]}))` before `app.put('/api/items/:id', ...)`.
Routes outside the mount pattern are not its business (another layer, or none, answers
their preflights)."""

from __future__ import annotations

from corslint.extractors.express.registrations import Analysis
from corslint.extractors.express.routes import routes_of
from corslint.model import Route


def routes_in_scope(analysis: Analysis, scope: str) -> tuple[Route, ...] | None:
    """The module's routes (and its mounted routers') under `scope` ("" for every path);
    None when none is known."""
    return under_scope(routes_of(analysis, None), scope)


def under_scope(routes: tuple[Route, ...] | None, scope: str) -> tuple[Route, ...] | None:
    """The routes `scope` covers; None when none is known."""
    if routes is None:
        return None
    kept = tuple(route for route in routes if _covers(scope, route.path))
    return kept or None


def _covers(scope: str, path: str) -> bool:
    """Whether a Hono mount pattern covers a route path: `/api/*` covers `/api` and what
    is below it, a pattern without `*` only itself."""
    if not scope or path == "?":
        return not scope
    if scope.endswith("/*"):
        return path == scope[:-2] or path.startswith(scope[:-1])
    if scope.endswith("*"):
        return path.startswith(scope[:-1])
    return path == scope
